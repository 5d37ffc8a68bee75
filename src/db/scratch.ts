import { connect } from './connect.js'
import { loadDriver } from './drivers.js'
import type { DatabaseTarget, Db, Dialect } from './types.js'

/**
 * One dialect's scratch databases: throwaway databases on the same server as
 * a target (SQLite: temp files) for `mig plan` and `mig verify`. The policy
 * (names, always dropping, signals, stale ones) is core/scratch.ts's.
 */
export interface ScratchDriver {
  /** Create the empty database `name` on `server`'s server with its credentials; a target for it. */
  create(server: DatabaseTarget, name: string): Promise<DatabaseTarget>
  /** Drop `name`, ending any session still in it; no error when it is gone already. */
  drop(server: DatabaseTarget, name: string): Promise<void>
  /** Synchronous drop for the process's `exit` event, where the dialect can (a file); undefined elsewhere. */
  dropSync?(server: DatabaseTarget, name: string): void
  /** Names of the scratch databases (`mig_scratch_*`) on `server`'s server. */
  list(server: DatabaseTarget): Promise<string[]>
  /** Was this error a refusal to create a database (no CREATEDB / CREATE privilege)? */
  denied(error: unknown): boolean
  /**
   * Copy `source`'s schema into the empty `scratch`, and the rows of each
   * table of `ledgerTables` that exists, so a tool sees the same applied
   * migrations. Only reads `source`.
   */
  clone(source: DatabaseTarget, scratch: DatabaseTarget, ledgerTables: readonly string[]): Promise<void>
}

export const SCRATCH_PREFIX = 'mig_scratch_'

/** A connection for the span of `fn`. */
export async function withConnection<T>(target: DatabaseTarget, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await connect(target)
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

export async function scratchDriver(dialect: Dialect): Promise<ScratchDriver> {
  return (await loadDriver(dialect)).scratch()
}
