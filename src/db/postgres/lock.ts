import { createHash } from 'node:crypto'
import type { LockDriver } from '../driver.js'
import type { Db } from '../types.js'

/**
 * Two-key advisory lock: `mig` in ASCII, and 1 for a database; for a schema
 * target, a number from the schema's name (never 1), so two schemas of one
 * database are two locks. Advisory locks are per database and die with the session.
 */
const CLASS = 7170407

export function lockKey(db: Pick<Db, 'target'>): number {
  const schema = db.target.schema
  if (schema === undefined) return 1
  const n = createHash('sha256').update(`schema:${schema}`).digest().readUInt32BE(0) & 0x7fffffff
  return n < 2 ? n + 2 : n
}

const holderSql = (key: number) => `SELECT a.pid, a.application_name, a.usename, a.client_addr::text AS addr, a.backend_start
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.classid = ${CLASS} AND l.objid = ${key} AND l.objsubid = 2 AND l.granted
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.pid <> pg_backend_pid()`

interface Row {
  pid: number
  application_name: string
  usename: string
  addr: string | null
  backend_start: Date
}

export const postgresLock: LockDriver = {
  async tryAcquire(db) {
    const [row] = await db.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${CLASS}, ${lockKey(db)}) AS locked`)
    return row?.locked === true
  },
  async release(db) {
    await db.run(`SELECT pg_advisory_unlock(${CLASS}, ${lockKey(db)})`)
  },
  async held(db) {
    const rows = await db.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = ${CLASS} AND objid = ${lockKey(db)} AND objsubid = 2 AND granted AND pid = pg_backend_pid()`,
    )
    return rows.length > 0
  },
  async holder(db) {
    const [row] = await db.query<Row>(holderSql(lockKey(db)))
    if (!row) return undefined
    const who = row.application_name?.startsWith('mig ')
      ? row.application_name
      : `backend ${row.pid} (${row.usename}@${row.addr ?? 'local'})`
    return { who, since: new Date(row.backend_start).toISOString(), stale: false }
  },
  async breakLock(db) {
    const [row] = await db.query<Row>(holderSql(lockKey(db)))
    if (row) await db.run('SELECT pg_terminate_backend(?)', [row.pid])
  },
}
