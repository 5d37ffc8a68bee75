import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/types.js'
import { availableDialects, createTestDatabase, serverUrls } from '../../src/testing/index.js'
import { bin, hasStack, json, mig, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'
import { startProxy, viaProxy } from './proxy.js'

/**
 * MariaDB commits each DDL statement by itself, so a run stopped inside a
 * multi-statement migration leaves part of it: status must say failed (or
 * applied, had it finished), never plain pending. KILLS random kill -9s;
 * MIG_RELIABILITY_FULL=1 runs the 30 the review asked for.
 */
const KILLS = process.env.MIG_RELIABILITY_FULL === '1' ? 30 : 8
const TABLES = ['a', 'b', 'c', 'd']
const up = TABLES.map((t, i) => `CREATE TABLE ${t} (id INTEGER PRIMARY KEY);${i < TABLES.length - 1 ? '\nSELECT SLEEP(0.3);' : ''}`).join(
  '\n',
)
const STATEMENTS = TABLES.length * 2 - 1
const hasMysql = (await availableDialects()).includes('mysql')
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

interface Status {
  projects: { migrations: { id: string; state: string; error?: string }[] }[]
  exitCode: number
}

async function setup(url?: (databaseUrl: string) => string) {
  const database = await createTestDatabase('mysql')
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  writeSqlProject(root, 'shop', url ? url(database.url) : database.url, [
    { id: '001_four_tables', up, down: TABLES.map((t) => `DROP TABLE IF EXISTS ${t};`).join('\n') },
  ])
  return { root, db: await database.db(), name: database.name }
}

const present = async (db: Db): Promise<string[]> => {
  const out: string[] = []
  for (const t of TABLES) if (await db.tableExists(t)) out.push(t)
  return out
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const lockFree = (db: Db, name: string) => async () =>
  (await db.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [`mig:${name}`]))[0]!.id === null
const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.on('close', (code) => r(code)))

/** What status says of the migration, checked against the tables that exist. */
async function expectTruthful(root: string, db: Db): Promise<string> {
  const tables = await present(db)
  const s = json<Status>(await mig(['status', '--json'], { cwd: root }))
  const m = s.projects[0]!.migrations[0]!
  if (tables.length === TABLES.length && m.state === 'applied') return 'applied'
  if (tables.length > 0) {
    expect(m.state, `tables ${tables.join(',')} exist`).toBe('failed')
    expect(s.exitCode & 8).toBe(8)
  } else {
    expect(['pending', 'failed']).toContain(m.state)
  }
  return m.state
}

async function reset(db: Db): Promise<void> {
  for (const t of TABLES) await db.run(`DROP TABLE IF EXISTS ${t}`)
  await db.run('DELETE FROM mig_sql_migrations').catch(() => {})
  await db.run('DELETE FROM mig_journal').catch(() => {})
}

describe.runIf(hasMysql)('a multi-statement migration stopped partway on MariaDB', () => {
  it(`kill -9 at ${KILLS} random moments: status never calls a half-applied migration pending`, async () => {
    const { root, db, name } = await setup()
    const seen: Record<string, number> = {}
    for (let i = 0; i < KILLS; i++) {
      const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
      const done = exited(child)
      // Wait for the migration to start, then kill somewhere inside its ~0.9 s.
      await until(
        async () => (await db.query("SELECT 1 FROM mig_journal WHERE outcome = 'running'").catch(() => [])).length > 0,
        20_000,
      ).catch(() => {})
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1100)))
      child.kill('SIGKILL')
      await done
      await until(lockFree(db, name), 10_000)
      const state = await expectTruthful(root, db)
      const tables = (await present(db)).length
      seen[`${state}:${tables}`] = (seen[`${state}:${tables}`] ?? 0) + 1
      if (state === 'failed' && tables > 0) {
        const s = json<Status>(await mig(['status', '--json'], { cwd: root }))
        // A statement commits on its own before its progress is journaled: the count is a lower bound, and may be missing after the first.
        expect(s.projects[0]!.migrations[0]!.error).toMatch(
          new RegExp(
            `ended without recording how.*(at least [0-${STATEMENTS}] of ${STATEMENTS} statements ran, perhaps one more|the first may have run)`,
          ),
        )
      }
      await reset(db)
    }
    // The kills landed inside the migration at least once.
    expect(Object.keys(seen).some((k) => k.startsWith('failed:'))).toBe(true)
  }, 200_000)

  it('SIGINT: the statement in flight finishes, nothing more; failed with how far it got, and a retry failing first does not claim a rollback', async () => {
    const { root, db, name } = await setup()
    const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const done = exited(child)
    await until(async () => (await db.tableExists('b')) && !(await db.tableExists('c')), 20_000)
    child.kill('SIGINT')
    expect(await done).toBe(130)
    expect(stderr).toMatch(/SIGINT: letting shop 001_four_tables's current statement finish/)
    expect(stderr).toMatch(
      /^Error: interrupted \(SIGINT\): no migration was applied before; shop 001_four_tables stopped partway \([3-4] of 7 statements ran\)/m,
    )
    expect(stderr).toMatch(/mig resolve 001_four_tables --applied/)
    expect(hasStack(stderr)).toBe(false)
    await until(lockFree(db, name), 10_000)
    const tables = await present(db)
    expect(tables).toEqual(['a', 'b'])
    const s = json<Status>(await mig(['status', '--json'], { cwd: root }))
    expect(s.projects[0]!.migrations[0]!.state).toBe('failed')
    expect(s.exitCode).toBe(8)
    const log = json<{ entries: { outcome: string; error: string }[] }>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries.map((e) => e.outcome)).toEqual(['failed'])

    // up refuses over it; --allow-drift retries, and the retry fails on its first statement (a exists).
    const refused = await mig(['up'], { cwd: root })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/failed partway on its last run/)
    const retry = await mig(['up', '--allow-drift'], { cwd: root })
    expect(retry.code).toBe(1)
    expect(retry.stderr).not.toMatch(/nothing of it was kept/)
    expect(retry.stderr).toMatch(/mig resolve 001_four_tables --applied/)
    const after = json<{ entries: { outcome: string }[] }>(await mig(['log', '--json'], { cwd: root }))
    expect(after.entries.map((e) => e.outcome)).toEqual(['failed', 'failed'])
    expect(json<Status>(await mig(['status', '--json'], { cwd: root })).projects[0]!.migrations[0]!.state).toBe('failed')

    // The way out the hint gives: undo by hand, mark it rolled back, apply it.
    await reset(db)
    await db.run(
      "INSERT INTO mig_journal (project, tool, migration, direction, checksum, actor, started_at, duration_ms, outcome, error, backup_id) VALUES ('shop', 'sql', '001_four_tables', 'up', NULL, 'x', '2000-01-01T00:00:00.000Z', 0, 'running', NULL, NULL)",
    )
    expect((await mig(['resolve', '001_four_tables', '--rolled-back'], { cwd: root })).code).toBe(0)
    const ok = await mig(['up'], { cwd: root })
    expect(ok.code, ok.stderr).toBe(0)
    expect(await present(db)).toEqual(TABLES)
  }, 90_000)

  it('a cut connection mid-migration: failed, journaled on a new connection, never pending', async () => {
    const server = new URL(serverUrls.mysql)
    const proxy = await startProxy(server.hostname, Number(server.port))
    cleanup.push(() => proxy.close())
    const { root, db, name } = await setup((url) => viaProxy(url, proxy))
    const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const done = exited(child)
    await until(async () => (await db.tableExists('b')) && !(await db.tableExists('c')), 20_000)
    proxy.cut()
    expect(await done).toBe(1)
    expect(stderr).toMatch(
      /^Error: shop: the connection to .* was lost while applying 001_four_tables .*its ledger, read again, shows it not applied, and no transaction covered it \([3-4] of 7 statements ran\): the database may hold part of it$/m,
    )
    expect(stderr).not.toMatch(/nothing of it was kept/)
    expect(hasStack(stderr)).toBe(false)
    await until(lockFree(db, name), 10_000)
    expect(await expectTruthful(root, db)).toBe('failed')
    const rows = await db.query<{ outcome: string; error: string }>('SELECT outcome, error FROM mig_journal')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.outcome).toBe('failed')
    expect(rows[0]!.error).toMatch(/connection lost/)
  }, 90_000)
})
