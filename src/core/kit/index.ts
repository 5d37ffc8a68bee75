import { join } from 'node:path'
import type { OpenContext, ProjectRef } from '../../adapter.js'
import { migrationFailure, statementRecorder } from './capture.js'
import { findConfigFile, loadConfigFile } from './config-file.js'
import { decoratorLoader } from './decorator-metadata.js'
import { pickEnvironment } from './environment.js'
import { migrationTimestamp, writeNew } from './files.js'
import { mergeLedger } from './ledger.js'
import { readLedgerTable } from './ledger-table.js'
import { type LoadOptions, createLoader } from './load.js'
import { migrationFunction } from './migration-function.js'
import { forgetProjectModules } from './module-cache.js'
import { writeNewMigration } from './new-migration.js'
import { projectRequire } from './require.js'
import { scratchRefusal } from './scratch-refusal.js'
import { runSql } from './statements.js'
import { connectionParts, redirectUrl, toolTarget } from './target.js'
import { readTime } from './time.js'
import { projectVariable } from './variable.js'
import { runToolCli } from './tool-cli.js'
import { quoteName } from './quote.js'
import { sqlLiteral } from '../journal.js'
import { withAdvisoryLock } from './advisory-lock.js'
import { migrationFolders } from './folders.js'
import { migrationFlavour } from './flavour.js'
import { fileFacts } from './file-facts.js'
import { projectEnv } from '../project-env.js'

export { type FailureDetails, type StatementRecorder, isLedgerQuery, migrationFailure, statementRecorder } from './capture.js'
export { migrationTimestamp, writeNew } from './files.js'
export { type LedgerRow, type MigrationOnDisk, mergeLedger } from './ledger.js'
export { type LoadOptions, type Loader, createLoader } from './load.js'
export { type RequireOptions, packageOf, projectRequire } from './require.js'
export { type ConfigFileOptions, type ConfigMissing, findConfigFile, loadConfigFile } from './config-file.js'
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
export { forgetProjectModules } from './module-cache.js'
export { decoratorLoader } from './decorator-metadata.js'
export { type LedgerTable, readLedgerTable } from './ledger-table.js'
export { type MigrationModuleRef, migrationFunction } from './migration-function.js'
export { scratchRefusal } from './scratch-refusal.js'
export { type Flavour, migrationFlavour } from './flavour.js'
export { type FileFacts, fileFacts } from './file-facts.js'

/**
 * The plugin kit: what every adapter needs and core does once, bound to one
 * project (src/core/kit/*.ts, one file a helper).
 */
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
  | 'toolCli'
  | 'quoteName'
  | 'literal'
  | 'withAdvisoryLock'
  | 'migrationFolders'
  | 'readLedger'
  | 'migrationFunction'
  | 'scratchRefusal'
  | 'migrationFlavour'
  | 'fileFacts'
>

/** The kit for `project`, whose tool environment is `env` (OpenContext.env). */
export function kitFor(project: ProjectRef & { target?: string }, env: string): Kit {
  const { require, resolve } = projectRequire({ name: project.name, dir: project.dir })
  const loader: Kit['loader'] = (options = {}) => {
    // A loader's cache is its own: nothing of the project's comes from an earlier open.
    if (options.moduleCache) forgetProjectModules(project.dir)
    const create = (o: LoadOptions) => createLoader(join(project.dir, 'package.json'), o)
    return options.decorators ? decoratorLoader(options, create, require, resolve) : create(options)
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
    findConfig: ((names: readonly string[], configured?: unknown, missing?: Parameters<typeof findConfigFile>[3]) =>
      findConfigFile(project, names, configured, missing)) as Kit['findConfig'],
    loadConfig: (file, options) => loadConfigFile(project, file, options),
    environment: (config: unknown, envOrOptions: unknown, maybe?: unknown) =>
      typeof envOrOptions === 'string'
        ? pickEnvironment(project, config, envOrOptions, maybe as Parameters<typeof pickEnvironment>[3])
        : pickEnvironment(project, config, env, envOrOptions as Parameters<typeof pickEnvironment>[3]),
    variable: (name, options) => projectVariable(project, projectEnv(project.dir), name, options),
    toolTarget: (connection) => toolTarget(project, connection),
    redirectUrl: (url, target) => redirectUrl(url, target, project),
    connectionParts: (target) => connectionParts(target, project),
    readTime,
    runSql,
    writeMigration: (migration) => writeNewMigration(project, migration),
    toolCli: (cli) => runToolCli(project, cli),
    quoteName,
    literal: sqlLiteral,
    withAdvisoryLock,
    migrationFolders,
    readLedger: readLedgerTable,
    migrationFunction: (module, direction, ref) => migrationFunction(project, module, direction, ref),
    scratchRefusal: (reason, hint) => scratchRefusal(project, reason, hint),
    migrationFlavour: (dir, extensions, fallback) => migrationFlavour(project, dir, extensions, fallback),
    fileFacts: (namespace) => fileFacts(project, namespace),
  }
}
