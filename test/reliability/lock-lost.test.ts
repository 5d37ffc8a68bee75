import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/types.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { bin, hasStack, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'

/**
 * The lock's session killed from outside mid-run (pg_terminate_backend,
 * KILL): another run could take the lock now, so mig must not start another
 * migration. The one in flight runs on the adapter's own connection and ends
 * as it would; nothing starts after it.
 */
const servers = (await availableDialects()).filter((d) => d !== 'sqlite')
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const N = 5
const sleep = { postgres: 'SELECT pg_sleep(0.6);', mysql: 'SELECT SLEEP(0.6);' }

/** Kill the session holding mig's lock, as a DBA or a failover would. */
const killLock = {
  async postgres(db: Db): Promise<number> {
    const rows = await db.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND classid = 7170407 AND objid = 1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    return rows.length
  },
  async mysql(db: Db, name: string): Promise<number> {
    const [row] = await db.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [`mig:${name}`])
    if (row?.id == null) return 0
    await db.run(`KILL ${Number(row.id)}`)
    return 1
  },
}

describe.each(servers)('the lock lost mid-run on %s', (dialect) => {
  it('stops before the next migration with a one-line error; nothing starts after the kill', async () => {
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(
      root,
      'shop',
      database.url,
      Array.from({ length: N }, (_, i) => ({
        id: `00${i + 1}_t${i + 1}`,
        up: `CREATE TABLE t${i + 1} (id INTEGER PRIMARY KEY);\n${sleep[dialect]}`,
        down: `DROP TABLE t${i + 1};`,
      })),
    )
    const db = await database.db()
    cleanup.push(() => db.close())
    const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
    const applied = async () =>
      (await db.tableExists('mig_sql_migrations')) ? (await db.query('SELECT id FROM mig_sql_migrations')).length : 0
    const start = Date.now()
    while ((await applied()) < 2) {
      if (Date.now() - start > 30_000) throw new Error('the run never got going')
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(await killLock[dialect](db, database.name)).toBe(1)
    const killedAt = await applied()
    expect(await exited).toBe(1)

    const ledger = (await db.query<{ id: string }>('SELECT id FROM mig_sql_migrations ORDER BY id')).map((r) => r.id)
    // The migration in flight at the kill may finish; none starts after it.
    expect(ledger.length).toBeGreaterThanOrEqual(killedAt)
    expect(ledger.length).toBeLessThanOrEqual(killedAt + 1)
    expect(ledger.length).toBeLessThan(N)
    for (let i = ledger.length + 1; i <= N; i++) expect(await db.tableExists(`t${i}`), `t${i}`).toBe(false)
    const errors = stderr.split('\n').filter((l) => l.startsWith('Error: '))
    expect(errors).toEqual([
      `Error: lost the migration lock on ${database.url.replace(/:[^:@/]*@/, ':***@')}; ${ledger.length} migrations were applied before, nothing after`,
    ])
    expect(hasStack(stderr)).toBe(false)
    // Every migration that ran is journaled ok (on a new connection when the old one died); none after.
    const journal = await db.query<{ migration: string; outcome: string }>(
      "SELECT migration, outcome FROM mig_journal WHERE direction = 'up' ORDER BY id",
    )
    expect(journal.map((j) => `${j.migration} ${j.outcome}`)).toEqual(ledger.map((id) => `${id} ok`))
  }, 90_000)
})
