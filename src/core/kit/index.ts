import { join } from 'node:path'
import type { OpenContext, ProjectRef } from '../../adapter.js'
import { migrationFailure, statementRecorder } from './capture.js'
import { findConfigFile, loadConfigFile } from './config-file.js'
import { pickEnvironment } from './environment.js'
import { migrationTimestamp, writeNew } from './files.js'
import { mergeLedger } from './ledger.js'
import { writeNewMigration } from './new-migration.js'
import { createLoader } from './load.js'
import { projectRequire } from './require.js'
import { runSql } from './statements.js'
import { connectionParts, redirectUrl, toolTarget } from './target.js'
import { readTime } from './time.js'
import { projectVariable } from './variable.js'
import { runToolCli } from './tool-cli.js'
import { quoteName } from './quote.js'
import { withAdvisoryLock } from './advisory-lock.js'
import { migrationFolders } from './folders.js'
import { projectEnv } from '../project-env.js'

export { type FailureDetails, type StatementRecorder, isLedgerQuery, migrationFailure, statementRecorder } from './capture.js'
export { migrationTimestamp, writeNew } from './files.js'
export { type LedgerRow, type MigrationOnDisk, mergeLedger } from './ledger.js'
export { type LoadOptions, type Loader, createLoader } from './load.js'
export { type RequireOptions, packageOf, projectRequire } from './require.js'
export { type ConfigFileOptions, findConfigFile, loadConfigFile } from './config-file.js'
export { type EnvironmentOptions, pickEnvironment } from './environment.js'
export { type ToolConnection, connectionParts, redirectUrl, toolTarget } from './target.js'
export { readTime } from './time.js'
export { type SqlRun, runSql } from './statements.js'
export { type VariableOptions, projectVariable } from './variable.js'
export { type NewMigration, type NewMigrationFile, writeNewMigration } from './new-migration.js'
export { type ToolCli, runToolCli } from './tool-cli.js'
export { quoteName } from './quote.js'
export { withAdvisoryLock } from './advisory-lock.js'
export { type FolderLayout, migrationFolders } from './folders.js'

/** The plugin kit: what every adapter needs and core does once, bound to one project. */
export type Kit = Pick<OpenContext, 'loader' | 'require' | 'resolve' | 'timestamp' | 'writeNew' | 'recorder' | 'fail' | 'mergeLedger'>

/** The kit's part for reading a tool's config, running its SQL and writing its new migrations (src/core/kit/{config-file,environment,variable,target,time,statements,new-migration}.ts). */
export type ConfigKit = Pick<
  OpenContext,
  | 'findConfig'
  | 'loadConfig'
  | 'environment'
  | 'variable'
  | 'toolTarget'
  | 'redirectUrl'
  | 'connectionParts'
  | 'readTime'
  | 'runSql'
  | 'writeMigration'
>

/** The kit's part for a tool's own CLI, ledger SQL, lock and migration folders (src/core/kit/{tool-cli,quote,advisory-lock,folders}.ts). */
export type ToolKit = Pick<OpenContext, 'toolCli' | 'quoteName' | 'withAdvisoryLock' | 'migrationFolders'>

export function kitFor(project: ProjectRef): Kit & ConfigKit & ToolKit {
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
    findConfig: (names, configured) => findConfigFile(project.dir, names, configured),
    loadConfig: (file, options) => loadConfigFile(project, file, options),
    environment: (config, env, options) => pickEnvironment(project, config, env, options),
    variable: (name, options) => projectVariable(project, projectEnv(project.dir), name, options),
    toolTarget: (connection) => toolTarget(project, connection),
    redirectUrl,
    connectionParts,
    readTime,
    runSql,
    writeMigration: (migration) => writeNewMigration(project, migration),
    toolCli: (cli) => runToolCli(project, cli),
    quoteName,
    withAdvisoryLock,
    migrationFolders,
  }
}
