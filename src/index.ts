import type { Adapter } from './adapter.js'

export type { TemplateRequest } from './core/templates.js'
export type { Adapter, Migration, MigrationState, OpenContext, ProjectMarker, ProjectRef, RunOptions, Session, ToolLock } from './adapter.js'
export type { DatabaseTarget, Db, Dialect } from './db/types.js'
export { connect } from './db/connect.js'
export { type ConnectionParts, parseDatabaseUrl, targetFrom } from './db/url.js'
export { MigError, MigrationFailure } from './output/errors.js'
export { redact, redactUrl, registerSecret } from './output/redact.js'
export { checksumFiles } from './core/checksum.js'
export { parseTimestamp } from './core/ordering.js'

declare module '@oclif/core/hooks' {
  interface Hooks {
    /** Plugins hand core their adapters: return one adapter or several. */
    'mig:adapters': {
      options: Record<string, never>
      return: Adapter | Adapter[]
    }
  }
}
