import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/types.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { bin, hasStack, json, mig, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'

/**
 * Ctrl-C during `mig up`: the migration in flight is rolled back (cancelled
 * on PostgreSQL; on SQLite its synchronous statement ends first), the run
 * says what was applied and what was rolled back, journals it, frees the
 * lock and exits 130. A second Ctrl-C exits at once.
 */
const dialects = (await availableDialects()).filter((d): d is 'postgres' | 'sqlite' => d === 'postgres' || d === 'sqlite')
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const slow = {
  postgres: 'SELECT pg_sleep(20);',
  sqlite: 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 5000000) SELECT count(*) FROM r;',
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function start(root: string): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return { child, stderr: () => stderr, exited: new Promise((r) => child.on('close', (code) => r(code))) }
}

const journal = async (db: Db) =>
  (await db.query<{ migration: string; outcome: string }>('SELECT migration, outcome FROM mig_journal ORDER BY id')).map(
    (r) => `${r.migration} ${r.outcome}`,
  )

describe.each(dialects)('SIGINT during a slow migration on %s', (dialect) => {
  it('rolls it back, says so, journals it, frees the lock, exits 130; the next up succeeds', async () => {
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'app', database.url, [
      { id: '001_fast', up: 'CREATE TABLE fast (id INTEGER);', down: 'DROP TABLE fast;' },
      {
        id: '002_slow',
        up: `CREATE TABLE slow (id INTEGER);\n${slow[dialect]}\nCREATE TABLE after_slow (id INTEGER);`,
        down: 'DROP TABLE after_slow;\nDROP TABLE slow;',
      },
      { id: '003_next', up: 'CREATE TABLE next (id INTEGER);', down: 'DROP TABLE next;' },
    ])
    const db = await database.db()
    cleanup.push(() => db.close())
    const run = start(root)
    const started = Date.now()
    if (dialect === 'postgres') {
      await until(
        async () =>
          (await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(20)%' AND datname = current_database()"))
            .length > 0,
        20_000,
      )
    } else {
      await until(
        async () =>
          (await db.tableExists('mig_sql_migrations')) &&
          (await db.query("SELECT 1 FROM mig_sql_migrations WHERE id = '001_fast'")).length > 0,
        20_000,
      )
      await new Promise((r) => setTimeout(r, 150))
    }
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(130)
    // On PostgreSQL the sleep was cancelled, not waited out.
    if (dialect === 'postgres') expect(Date.now() - started).toBeLessThan(15_000)
    const stderr = run.stderr()
    expect(stderr).toMatch(/^SIGINT: rolling back app 002_slow; nothing after it will run \(again to abort at once\)$/m)
    expect(stderr).toMatch(
      /^Error: interrupted \(SIGINT\): 1 migration was applied before \(app 001_fast\); app 002_slow was rolled back; nothing after it ran$/m,
    )
    expect(stderr).toMatch(/^Hint: run `mig up` to go on$/m)
    expect(hasStack(stderr)).toBe(false)
    expect(await db.tableExists('slow')).toBe(false)
    expect(await db.tableExists('next')).toBe(false)
    expect(await journal(db)).toEqual(['001_fast ok', '002_slow rolled_back'])
    if (dialect === 'sqlite') expect(await db.query('SELECT * FROM mig_lock')).toEqual([])
    const locks = json<{ locks: { holder?: unknown }[] }>(await mig(['unlock', '--json'], { cwd: root }))
    expect(locks.locks.every((l) => l.holder === undefined)).toBe(true)
    const status = json<{ projects: { migrations: { id: string; state: string }[] }[]; exitCode: number }>(
      await mig(['status', '--json'], { cwd: root }),
    )
    expect(status.projects[0]!.migrations.map((m) => `${m.id} ${m.state}`)).toEqual([
      '001_fast applied',
      '002_slow pending',
      '003_next pending',
    ])

    writeSqlProject(root, 'app', database.url, [{ id: '002_slow', up: 'CREATE TABLE slow (id INTEGER);', down: 'DROP TABLE slow;' }])
    const next = await mig(['up'], { cwd: root })
    expect(next.code, next.stderr).toBe(0)
    expect(await db.tableExists('next')).toBe(true)
  }, 90_000)
})

describe.runIf(dialects.includes('postgres'))('a second SIGINT on postgres', () => {
  it('exits at once, even while a statement no transaction covers runs on; status then shows it failed, with how far it got', async () => {
    const database = await createTestDatabase('postgres')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'app', database.url, [
      {
        id: '001_outside',
        up: '-- mig:no-transaction\nCREATE TABLE one (id INTEGER);\nSELECT pg_sleep(6);\nCREATE TABLE two (id INTEGER);',
        down: 'DROP TABLE IF EXISTS two;\nDROP TABLE IF EXISTS one;',
      },
    ])
    const db = await database.db()
    cleanup.push(() => db.close())
    const run = start(root)
    await until(
      async () =>
        (await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(6)%' AND datname = current_database()")).length >
        0,
      20_000,
    )
    run.child.kill('SIGINT')
    await until(async () => /SIGINT: letting app 001_outside's current statement finish/.test(run.stderr()), 5_000)
    const second = Date.now()
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(130)
    expect(Date.now() - second).toBeLessThan(2_000)
    expect(run.stderr()).toMatch(/^SIGINT again: aborting at once; app 001_outside may be left unfinished/m)
    expect(await db.tableExists('one')).toBe(true)
    // The server ends the orphaned sleep and drops the lock with its session; then the run is gone.
    await until(
      async () =>
        (
          await db.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'mig pid%' AND pid <> pg_backend_pid() AND datname = current_database()",
          )
        ).length === 0,
      20_000,
    )
    const status = json<{ projects: { migrations: { state: string; error?: string }[] }[]; exitCode: number }>(
      await mig(['status', '--json'], { cwd: root }),
    )
    expect(status.projects[0]!.migrations[0]).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/ended without recording how.*; at least 1 of 3 statements ran, perhaps one more/),
    })
    expect(status.exitCode).toBe(8)
    const log = await mig(['log'], { cwd: root })
    expect(log.stdout).toMatch(/001_outside +up +running: /)
  }, 90_000)
})
