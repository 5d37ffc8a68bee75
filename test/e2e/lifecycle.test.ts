import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { tableExists } from '../../src/db/catalog.js'
import type { Db } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { json, mig, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

interface StatusJson {
  projects: { name: string; summary: { applied: number; pending: number }; migrations: { id: string; state: string }[] }[]
  exitCode: number
}

describe.each(await availableDialects())('mig up/down round trips on %s', (dialect) => {
  let database: TestDatabase
  let db: Db
  let root: string

  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    db = await database.db()
    root = tempDir()
    writeSqlProject(root, 'app', database.url, tableMigrations(5))
  })
  afterAll(async () => {
    await database.drop()
    rmSync(root, { recursive: true, force: true })
  })

  const run = (...args: string[]) => mig(args, { cwd: root })
  const ledger = async () =>
    (await tableExists(db, LEDGER)) ? (await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id) : []
  const userTables = async () => (await listTables(db)).filter((t) => /^t\d+$/.test(t))
  const expectApplied = async (n: number) => {
    const ids = tableMigrations(5)
      .slice(0, n)
      .map((m) => m.id)
    expect(await ledger()).toEqual(ids)
    expect(await userTables()).toEqual(Array.from({ length: n }, (_, i) => `t${i + 1}`).sort())
    const status = json<StatusJson>(await run('status', '--json'))
    expect(status.projects[0]!.summary.applied).toBe(n)
    expect(status.exitCode).toBe(n === 5 ? 0 : 2)
  }

  it('status shows everything pending and exits 2', async () => {
    const r = await run('status')
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/app\s+sql\s+\S+\s+0\s+5\s+5 pending/)
    await expectApplied(0)
  })

  it('up --one applies exactly the next migration', async () => {
    const r = await run('up', '--one')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('001_t1')
    await expectApplied(1)
  })

  it('up --step 2 applies the next two', async () => {
    expect((await run('up', '--step', '2')).code).toBe(0)
    await expectApplied(3)
  })

  it('down reverts the last applied one', async () => {
    const r = await run('down')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('003_t3')
    await expectApplied(2)
  })

  it('up --to ID applies up to and including ID', async () => {
    expect((await run('up', '--to', '004_t4')).code).toBe(0)
    await expectApplied(4)
  })

  it('down --step 2 reverts two', async () => {
    expect((await run('down', '--step', '2')).code).toBe(0)
    await expectApplied(2)
  })

  it('up applies all pending, then has nothing to do', async () => {
    expect((await run('up')).code).toBe(0)
    await expectApplied(5)
    const again = await run('up')
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Nothing to apply')
  })

  it('down --to ID reverts everything after ID and keeps ID', async () => {
    const r = await run('down', '--to', '002_t2', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(['005_t5', '004_t4', '003_t3'])
    await expectApplied(2)
  })

  it('down --all refuses without a terminal unless --yes, then reverts everything', async () => {
    const refused = await run('down', '--all')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--yes')
    await expectApplied(2)
    expect((await run('down', '--all', '--yes')).code).toBe(0)
    await expectApplied(0)
  })

  it('log shows every action with its outcome', async () => {
    const r = await run('log', '--limit', '100', '--json')
    const entries = json<{ entries: { migration: string; direction: string; outcome: string }[] }>(r).entries
    expect(entries.filter((e) => e.direction === 'up')).toHaveLength(8)
    expect(entries.filter((e) => e.direction === 'down')).toHaveLength(8)
    expect(entries.every((e) => e.outcome === 'ok')).toBe(true)
  })
})

describe('ordering across projects', () => {
  let root: string
  beforeAll(() => {
    root = tempDir()
    writeSqlProject(root, 'alpha', 'sqlite:./a.db', [
      { id: '20240101000000_a1', up: 'CREATE TABLE a1 (x int);', down: 'DROP TABLE a1;' },
      { id: '20240301000000_a2', up: 'CREATE TABLE a2 (x int);', down: 'DROP TABLE a2;' },
    ])
    writeSqlProject(root, 'beta', 'sqlite:./b.db', [
      { id: '20240201000000_b1', up: 'CREATE TABLE b1 (x int);', down: 'DROP TABLE b1;' },
      { id: '20240401000000_b2', up: 'CREATE TABLE b2 (x int);', down: 'DROP TABLE b2;' },
    ])
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const applied = async (n: number) => {
    const ids: string[] = []
    for (let i = 0; i < n; i++) {
      const r = await mig(['up', '--one', '--json'], { cwd: root })
      expect(r.code, r.stderr).toBe(0)
      ids.push(...json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id))
    }
    return ids
  }

  it('up --one takes the oldest pending migration of any project, down the newest applied', async () => {
    expect(await applied(4)).toEqual(['20240101000000_a1', '20240201000000_b1', '20240301000000_a2', '20240401000000_b2'])
    const down = await mig(['down', '--step', '3', '--json'], { cwd: root })
    expect(json<{ migrations: { id: string }[] }>(down).migrations.map((m) => m.id)).toEqual([
      '20240401000000_b2',
      '20240301000000_a2',
      '20240201000000_b1',
    ])
    const onlyBeta = await mig(['up', '--project', 'beta', '--json'], { cwd: root })
    expect(json<{ migrations: { id: string }[] }>(onlyBeta).migrations.map((m) => m.id)).toEqual(['20240201000000_b1', '20240401000000_b2'])
  })
})
