import { join } from 'node:path'
import type { OpenContext, ProjectRef } from '../../adapter.js'
import { migrationFailure, statementRecorder } from './capture.js'
import { migrationTimestamp, writeNew } from './files.js'
import { mergeLedger } from './ledger.js'
import { type LoadOptions, createLoader } from './load.js'
import { forgetProjectModules } from './module-cache.js'
import { connectionOf, connectionTarget } from './connection-settings.js'
import { decoratorLoader } from './decorator-metadata.js'
import { readLedgerTable } from './ledger-table.js'
import { migrationFunction } from './migration-function.js'
import { scratchRefusal } from './scratch-refusal.js'
import { projectVariable } from './project-variable.js'
import { projectRequire } from './require.js'
import { writeFromTemplate } from './template-file.js'
import { findConfigFile, loadConfigFile } from './tool-config-file.js'
import { pickEnvironment } from './tool-environment.js'

export { type FailureDetails, type StatementRecorder, isLedgerQuery, migrationFailure, statementRecorder } from './capture.js'
export { migrationTimestamp, writeNew } from './files.js'
export { type LedgerRow, type MigrationOnDisk, mergeLedger } from './ledger.js'
export { type LoadOptions, type Loader, createLoader } from './load.js'
export { type RequireOptions, packageOf, projectRequire } from './require.js'
export { forgetProjectModules } from './module-cache.js'
export { type ConnectionOf, type ConnectionRules, type ConnectionSettings, connectionOf, connectionTarget } from './connection-settings.js'
export { projectVariable } from './project-variable.js'
export { decoratorLoader } from './decorator-metadata.js'
export { type LedgerTable, readLedgerTable } from './ledger-table.js'
export { type MigrationModuleRef, migrationFunction } from './migration-function.js'
export { scratchRefusal } from './scratch-refusal.js'
export { type TemplateFile, writeFromTemplate } from './template-file.js'
export { type ConfigFileOptions, type LoadConfigOptions, findConfigFile, loadConfigFile } from './tool-config-file.js'
export { type EnvironmentOptions, type PickedEnvironment, pickEnvironment } from './tool-environment.js'

/** The plugin kit: what every adapter needs and core does once, bound to one project. */
export type Kit = Pick<
  OpenContext,
  | 'loader'
  | 'require'
  | 'resolve'
  | 'timestamp'
  | 'writeNew'
  | 'recorder'
  | 'fail'
  | 'mergeLedger'
  | 'environment'
  | 'configFile'
  | 'loadConfig'
  | 'connectionTarget'
  | 'connectionOf'
  | 'variable'
  | 'writeFromTemplate'
  | 'readLedger'
  | 'migrationFunction'
  | 'scratchRefusal'
>

/** The kit for `project`, whose tool environment is `env` (OpenContext.env). */
export function kitFor(project: ProjectRef, env: string): Kit {
  const { require, resolve } = projectRequire({ name: project.name, dir: project.dir })
  const loader: Kit['loader'] = (options = {}) => {
    // A loader's cache is its own: nothing of the project's comes from an earlier open.
    if (options.moduleCache) forgetProjectModules(project.dir)
    const create = (o: LoadOptions) => createLoader(join(project.dir, 'package.json'), o)
    return options.decorators ? decoratorLoader(options, create, require) : create(options)
  }
  return {
    loader,
    require,
    resolve,
    timestamp: (format) => migrationTimestamp(format),
    writeNew,
    recorder: (options, ledger = []) => statementRecorder(options.capture, ledger),
    fail: migrationFailure,
    mergeLedger,
    environment: (config, options) => pickEnvironment(project, env, config, options),
    configFile: (options) => findConfigFile(project, options),
    loadConfig: (file, options) => loadConfigFile(project, file, loader({ native: true }), options),
    connectionTarget: (settings, rules) => connectionTarget(project, settings, rules),
    connectionOf,
    variable: (name, neededBy) => projectVariable(project, name, neededBy),
    writeFromTemplate: (file, template) => writeFromTemplate(project, file, template),
    readLedger: readLedgerTable,
    migrationFunction: (module, direction, ref) => migrationFunction(project, module, direction, ref),
    scratchRefusal: (reason, hint) => scratchRefusal(project, reason, hint),
  }
}
