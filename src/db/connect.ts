import { existsSync } from 'node:fs'
import { loadDriver } from './drivers.js'
import type { ConnectOptions, Db, DatabaseTarget } from './types.js'
import { schemaUnsupported } from './url.js'

/** Open a connection through its dialect's driver, loaded here on first use. A schema target on a dialect without schemas is refused. */
export async function connect(target: DatabaseTarget, options: ConnectOptions = {}): Promise<Db> {
  const driver = await loadDriver(target.dialect)
  if (target.schema !== undefined && !driver.schemas) throw schemaUnsupported(target, target.schema)
  return driver.connect(target, options)
}

/**
 * For commands that only read (status, log): a SQLite file that does not exist
 * yet is an empty database, not a file to create; so is a PostgreSQL
 * target's schema (its search_path names it all the same, and finds nothing).
 */
export async function connectExisting(target: DatabaseTarget): Promise<Db> {
  if (target.dialect !== 'sqlite' || !target.file || existsSync(target.file)) return connect(target, { readOnly: true })
  // Its driver is loaded all the same, for core's catalog calls on this Db; better-sqlite3 is not.
  await loadDriver('sqlite')
  const nothing = async () => {
    throw new Error(`${target.display} does not exist yet, and this command only reads`)
  }
  return {
    dialect: 'sqlite',
    target,
    query: async () => [],
    run: nothing,
    runScript: nothing,
    tableExists: async () => false,
    close: async () => {},
  }
}

interface SharedRead {
  db: Promise<Db>
  resolved?: Db
  refs: number
}
const sharedReads = new Map<string, SharedRead>()

/**
 * `connectExisting`, shared: callers asking for the same target (same URL,
 * credentials and schema) while one is open get the same connection, closed
 * when the last of them closes it. For `status`, whose adapter reads its
 * ledger and whose core reads the journal and the lock of one database: one
 * connection instead of two (a PostgreSQL connection costs about 10 ms of
 * the server's CPU to start). Only for reads that leave the session as they
 * found it: no SET, no transaction. A connection found lost is not handed out again.
 */
export function connectShared(target: DatabaseTarget): Promise<Db> {
  const key = `${target.key}\0${target.url}\0${target.schema ?? ''}`
  let entry = sharedReads.get(key)
  if (entry?.resolved?.lost?.()) {
    sharedReads.delete(key)
    entry = undefined
  }
  if (!entry) {
    const created: SharedRead = { db: connectExisting(target), refs: 0 }
    created.db.then(
      (db) => (created.resolved = db),
      () => sharedReads.get(key) === created && sharedReads.delete(key),
    )
    sharedReads.set(key, created)
    entry = created
  }
  const shared = entry
  shared.refs++
  return shared.db.then(
    (db): Db => {
      let closed = false
      return {
        ...db,
        async close() {
          if (closed) return
          closed = true
          if (--shared.refs > 0) return
          if (sharedReads.get(key) === shared) sharedReads.delete(key)
          await db.close()
        },
      }
    },
    (error: unknown) => {
      shared.refs--
      throw error
    },
  )
}
