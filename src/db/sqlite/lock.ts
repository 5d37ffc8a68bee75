import { hostname } from 'node:os'
import type { LockDriver, LockHolder } from '../driver.js'
import type { Db } from '../types.js'
import { BUSY_TIMEOUT_MS } from './busy.js'
import { tableExists } from './catalog.js'
import { processAlive as alive } from '../process-alive.js'

/** SQLite has no session locks: a row with pid, host and start time, stale once that pid is gone. */
const TABLE = 'mig_lock'

interface Row {
  pid: number
  host: string
  started_at: string
}

const isStale = (row: Row): boolean => row.host === hostname() && !alive(Number(row.pid))

async function current(db: Db): Promise<Row | undefined> {
  if (!(await tableExists(db, TABLE))) return undefined
  return (await db.query<Row>(`SELECT pid, host, started_at FROM ${TABLE} WHERE id = 1`))[0]
}

const isBusy = (error: unknown): boolean => (error as { code?: unknown }).code === 'DB_BUSY'

/** Who holds the file when it is too busy to read the lock row. */
const busyHolder: LockHolder = { who: 'a run writing to the file (SQLite reports it busy, so its lock row cannot be read)', stale: false }

/**
 * While polling for the lock, wait only briefly on a busy file: a busy file
 * is a held lock, and acquireLock's own loop honours lock.timeoutSeconds.
 */
async function briefly<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  await db.query('PRAGMA busy_timeout = 250')
  try {
    return await fn()
  } finally {
    await db.query(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  }
}

export const sqliteLock: LockDriver = {
  async tryAcquire(db) {
    try {
      return await briefly(db, () => take(db))
    } catch (error) {
      if (isBusy(error)) return false
      throw error
    }
  },
  async release(db) {
    await db.run(`DELETE FROM ${TABLE} WHERE id = 1 AND pid = ? AND host = ?`, [process.pid, hostname()])
  },
  async held(db) {
    // Core asks at most once a second (core/lock: reading the row right after the tool's DDL on its own connection re-reads the whole schema).
    return (await db.query(`SELECT 1 FROM ${TABLE} WHERE id = 1 AND pid = ? AND host = ?`, [process.pid, hostname()])).length > 0
  },
  async holder(db): Promise<LockHolder | undefined> {
    let row: Row | undefined
    try {
      row = await briefly(db, () => current(db))
    } catch (error) {
      if (isBusy(error)) return busyHolder
      throw error
    }
    if (!row) return undefined
    return { who: `mig pid ${row.pid} on ${row.host}`, since: row.started_at, stale: isStale(row) }
  },
  async breakLock(db) {
    await db.run(`DELETE FROM ${TABLE} WHERE id = 1`)
  },
}

async function take(db: Db): Promise<boolean> {
  // Read first: a read needs no write lock, so a waiter sees the holder even
  // while the holder's migration transaction keeps the file's write lock.
  const row = await current(db)
  if (row && !isStale(row)) return false
  if (!row)
    await db.run(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL)`,
    )
  else await db.run(`DELETE FROM ${TABLE} WHERE id = 1 AND pid = ? AND host = ?`, [row.pid, row.host])
  try {
    await db.run(`INSERT INTO ${TABLE} (id, pid, host, started_at) VALUES (1, ?, ?, ?)`, [
      process.pid,
      hostname(),
      new Date().toISOString(),
    ])
    return true
  } catch (error) {
    if (String((error as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) return false
    throw error
  }
}
