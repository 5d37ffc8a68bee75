import type { LockDriver } from '../driver.js'

/** Two-key advisory lock: `mig` in ASCII, and 1. Advisory locks are per database and die with the session. */
const KEY = 'pg_try_advisory_lock(7170407, 1)'

const holderSql = `SELECT a.pid, a.application_name, a.usename, a.client_addr::text AS addr, a.backend_start
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.classid = 7170407 AND l.objid = 1 AND l.objsubid = 2 AND l.granted
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
    const [row] = await db.query<{ locked: boolean }>(`SELECT ${KEY} AS locked`)
    return row?.locked === true
  },
  async release(db) {
    await db.run('SELECT pg_advisory_unlock(7170407, 1)')
  },
  async held(db) {
    const rows = await db.query(
      `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 7170407 AND objid = 1 AND objsubid = 2 AND granted AND pid = pg_backend_pid()`,
    )
    return rows.length > 0
  },
  async holder(db) {
    const [row] = await db.query<Row>(holderSql)
    if (!row) return undefined
    const who = row.application_name?.startsWith('mig ')
      ? row.application_name
      : `backend ${row.pid} (${row.usename}@${row.addr ?? 'local'})`
    return { who, since: new Date(row.backend_start).toISOString(), stale: false }
  },
  async breakLock(db) {
    const [row] = await db.query<Row>(holderSql)
    if (row) await db.run('SELECT pg_terminate_backend(?)', [row.pid])
  },
}
