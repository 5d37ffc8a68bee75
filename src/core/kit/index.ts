import { join } from 'node:path'
import type { OpenContext, ProjectRef } from '../../adapter.js'
import { migrationFailure, statementRecorder } from './capture.js'
import { migrationTimestamp, writeNew } from './files.js'
import { mergeLedger } from './ledger.js'
import { createLoader } from './load.js'
import { projectRequire } from './require.js'

export { type FailureDetails, type StatementRecorder, isLedgerQuery, migrationFailure, statementRecorder } from './capture.js'
export { migrationTimestamp, writeNew } from './files.js'
export { type LedgerRow, type MigrationOnDisk, mergeLedger } from './ledger.js'
export { type LoadOptions, type Loader, createLoader } from './load.js'
export { type RequireOptions, packageOf, projectRequire } from './require.js'

/** The plugin kit: what every adapter needs and core does once, bound to one project. */
export type Kit = Pick<OpenContext, 'loader' | 'require' | 'resolve' | 'timestamp' | 'writeNew' | 'recorder' | 'fail' | 'mergeLedger'>

export function kitFor(project: ProjectRef): Kit {
  const { require, resolve } = projectRequire({ name: project.name, dir: project.dir })
  return {
    loader: (options) => createLoader(join(project.dir, 'package.json'), options),
    require,
    resolve,
    timestamp: (format) => migrationTimestamp(format),
    writeNew,
    recorder: (options, ledger = []) => statementRecorder(options.capture, ledger),
    fail: migrationFailure,
    mergeLedger,
  }
}
