import type { LockDriver } from '../driver.js'

/** GET_LOCK names are server-wide, so the database name goes into the lock's name. */
const NAME = "LEFT(CONCAT('mig:', DATABASE()), 64)"

interface Row {
  ID: number
  USER: string
  HOST: string
  TIME: number
}

async function holderRow(db: Parameters<LockDriver['holder']>[0]): Promise<Row | undefined> {
  const [used] = await db.query<{ id: number | null }>(`SELECT IS_USED_LOCK(${NAME}) AS id`)
  if (used?.id == null) return undefined
  const [row] = await db.query<Row>('SELECT ID, USER, HOST, TIME FROM information_schema.PROCESSLIST WHERE ID = ?', [used.id])
  return row ?? { ID: Number(used.id), USER: '?', HOST: '?', TIME: 0 }
}

export const mysqlLock: LockDriver = {
  async tryAcquire(db) {
    const [row] = await db.query<{ locked: number | null }>(`SELECT GET_LOCK(${NAME}, 0) AS locked`)
    return Number(row?.locked) === 1
  },
  async release(db) {
    await db.run(`DO RELEASE_LOCK(${NAME})`)
  },
  async held(db) {
    const [row] = await db.query<{ mine: number | null }>(`SELECT IS_USED_LOCK(${NAME}) = CONNECTION_ID() AS mine`)
    return Number(row?.mine) === 1
  },
  async holder(db) {
    const row = await holderRow(db)
    if (!row) return undefined
    return {
      who: `connection ${row.ID} (${row.USER}@${row.HOST})`,
      since: new Date(Date.now() - Number(row.TIME) * 1000).toISOString(),
      stale: false,
    }
  },
  async breakLock(db) {
    const row = await holderRow(db)
    if (row) await db.run(`KILL ${Number(row.ID)}`)
  },
}
