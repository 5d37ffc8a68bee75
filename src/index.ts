/**
 * The public API for plugin authors: types only. A plugin reaches core's
 * values (errors, connections, URL parsing, the plugin kit) through the
 * OpenContext its adapter's `open()` receives, never by importing them,
 * so a plugin never runs a second copy of core.
 */
import type { Adapter } from './adapter.js'

export type { TemplateRequest } from './core/templates.js'
export type {
  ConfigFileOptions,
  ConfigMissing,
  EnvironmentOptions,
  FailureDetails,
  FileFacts,
  Flavour,
  FolderLayout,
  LedgerRow,
  LedgerTable,
  LoadOptions,
  Loader,
  MigrationModuleRef,
  MigrationOnDisk,
  NewMigration,
  NewMigrationFile,
  RequireOptions,
  SqlRun,
  StatementRecorder,
  ToolCli,
  ToolConnection,
  VariableOptions,
} from './core/kit/index.js'
export type {
  Adapter,
  AtomicRun,
  JournalHook,
  Migration,
  MigrationState,
  OpenContext,
  ProjectMarker,
  ProjectRef,
  RunOptions,
  Session,
  ToolLock,
} from './adapter.js'
export type { DatabaseTarget, Db, Dialect } from './db/types.js'
export type { ConnectionParts } from './db/url.js'
export type { MigError, MigrationFailure } from './output/errors.js'

declare module '@oclif/core/hooks' {
  interface Hooks {
    /** Plugins hand core their adapters: return one adapter or several. */
    'mig:adapters': {
      options: Record<string, never>
      return: Adapter | Adapter[]
    }
  }
}
