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

/** A statement that only reads, and leaves the session as it found it: anything else takes the caller off the shared connection. */
const plainRead = /^\s*(?:SELECT|WITH|SHOW|VALUES|TABLE)\b/i

/**
 * `connectExisting`, shared: callers asking for the same server target (same
 * URL, credentials and schema) while one is open read over the same
 * connection, closed when the last of them closes it. For `status`, whose
 * adapter reads its ledger and whose core reads the journal and the lock of
 * one database: one connection instead of two (a PostgreSQL connection costs
 * the server about 10 ms of CPU to start).
 *
 * Sharing never lets one caller change what another reads: a caller's first
 * statement that is not a plain read (`run()`, `runScript()`, a `SET` or a
 * `BEGIN` through `query()`: Prisma sets the search_path of a `?schema=`
 * URL) moves that caller onto a connection of its own first. A connection
 * found lost is not handed out again. SQLite's driver already keeps one
 * connection per file.
 */
export async function connectShared(target: DatabaseTarget): Promise<Db> {
  if (target.dialect === 'sqlite') return connectExisting(target)
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
  let db: Db
  try {
    db = await shared.db
  } catch (error) {
    shared.refs--
    throw error
  }
  let released = false
  const release = async () => {
    if (released) return
    released = true
    if (--shared.refs > 0) return
    if (sharedReads.get(key) === shared) sharedReads.delete(key)
    await db.close()
  }
  // This caller's own connection, once it has done more than read.
  let own: Promise<Db> | undefined
  let ownDb: Db | undefined
  const mine = (): Promise<Db> => {
    own ??= (async () => {
      ownDb = await connectExisting(target)
      await release()
      return ownDb
    })()
    return own
  }
  let closed = false
  const on = (sql?: string): Db | Promise<Db> => {
    // Closed, it answers no more, as a connection of its own would not: the shared one may still be open for others.
    if (closed) throw new Error(`the connection to ${target.display} is closed`)
    return own || (sql !== undefined && !plainRead.test(sql)) ? mine() : db
  }
  const handle: Db = {
    dialect: db.dialect,
    target: db.target,
    query: async (sql, params, options) => (await on(sql)).query(sql, params, options),
    run: async (sql, params) => (await on('')).run(sql, params),
    runScript: async (sql) => (await on('')).runScript(sql),
    tableExists: async (table, schema) => (await on()).tableExists(table, schema),
    lost: () => closed || (ownDb ? (ownDb.lost?.() ?? false) : !own && (db.lost?.() ?? false)),
    async close() {
      if (closed) return
      closed = true
      if (own) await (await own.catch(() => undefined))?.close()
      await release()
    },
  }
  return handle
}
