import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { tableExists } from '../../src/db/catalog.js'
import type { Db } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { bin, json, mig, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'

const dialects = await availableDialects()
const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function setup(dialect: 'postgres' | 'sqlite', slow: string) {
  const database: TestDatabase = await createTestDatabase(dialect)
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    async () => rmSync(root, { recursive: true, force: true }),
  )
  writeSqlProject(root, 'app', database.url, [
    { id: '001_fast', up: 'CREATE TABLE fast (id INTEGER);', down: 'DROP TABLE fast;' },
    { id: '002_slow', up: `CREATE TABLE slow (id INTEGER);\n${slow}\n`, down: 'DROP TABLE slow;' },
  ])
  return { database, root, db: await database.db() }
}

function startUp(root: string) {
  return spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
}

async function expectCleanAfterKill(root: string, db: Db) {
  expect(await tableExists(db, 'slow')).toBe(false)
  expect(await tableExists(db, 'fast')).toBe(true)
  expect((await db.query<{ id: string }>(`SELECT id FROM ${LEDGER}`)).map((r) => r.id)).toEqual(['001_fast'])
  const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await mig(['status', '--json'], { cwd: root }))
  expect(status.projects[0]!.migrations.find((m) => m.id === '002_slow')!.state).toBe('pending')
}

describe.runIf(dialects.includes('postgres'))('kill -9 during a slow migration on postgres', () => {
  it('leaves no table, the migration pending, the lock free, and the next up succeeds', async () => {
    const { root, db } = await setup('postgres', 'SELECT pg_sleep(4);')
    const child = startUp(root)
    await until(
      async () =>
        (
          await db.query(
            "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(4)%' AND pid <> pg_backend_pid() AND datname = current_database()",
          )
        ).length > 0,
      20_000,
    )
    child.kill('SIGKILL')
    // The server notices the dead client when pg_sleep returns; then it rolls back and drops the advisory lock.
    await until(
      async () =>
        (
          await db.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'mig pid%' AND pid <> pg_backend_pid() AND datname = current_database()",
          )
        ).length === 0,
      20_000,
    )
    await expectCleanAfterKill(root, db)
    const locks = json<{ locks: { holder?: unknown }[] }>(await mig(['unlock', '--json'], { cwd: root }))
    expect(locks.locks[0]!.holder).toBeUndefined()
    const next = await mig(['up'], { cwd: root })
    expect(next.code, next.stderr).toBe(0)
    expect(await tableExists(db, 'slow')).toBe(true)
  }, 90_000)
})

describe('kill -9 during a slow migration on sqlite', () => {
  it('leaves a stale lock row that the next run detects and takes over', async () => {
    const slow = 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 100000000) SELECT count(*) FROM r;'
    const { root, db } = await setup('sqlite', slow)
    const child = startUp(root)
    await until(
      async () =>
        (await tableExists(db, 'mig_lock')) && (await db.query('SELECT 1 FROM mig_lock')).length > 0 && (await tableExists(db, 'fast')),
      20_000,
    )
    await new Promise((r) => setTimeout(r, 300))
    child.kill('SIGKILL')
    await new Promise((r) => child.on('close', r))
    await expectCleanAfterKill(root, db)
    const shown = await mig(['unlock'], { cwd: root })
    expect(shown.stdout).toMatch(/stale: `mig unlock --release` frees it/)
    writeSqlProject(root, 'app', 'sqlite:' + db.target.file, [
      { id: '002_slow', up: 'CREATE TABLE slow (id INTEGER);', down: 'DROP TABLE slow;' },
    ])
    const next = await mig(['up'], { cwd: root })
    expect(next.code, next.stderr).toBe(0)
    expect(await tableExists(db, 'slow')).toBe(true)
  }, 90_000)
})
