import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tableExists } from '../../src/db/catalog.js'
import type { Db } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { createTable, knexMigrateList, writeKnexProject } from '../../plugins/knex/test/helpers.js'
import { hasStack, json, mig, pluginProject, repoRoot, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

/** `mig up --atomic`: every pending migration of the database in one transaction, checked against knex's own CLI and, for plain SQL, the database. */
const names = ['20240101000000_a.js', '20240102000000_b.js', '20240103000000_c.js']
const failing = {
  name: names[2]!,
  up: "await knex.schema.createTable('t_2', (t) => { t.increments('id') }); await knex.raw('SELECT * FROM no_such_table')",
  down: '',
}

interface Log {
  entries: { migration: string; direction: string; outcome: string; error: string | null }[]
}

const dialects = await availableDialects()

describe.each(dialects.filter((d) => d !== 'mysql'))('knex on %s: mig up --atomic', (dialect) => {
  const p = pluginProject('knex', dialect, (root, database) =>
    writeKnexProject(join(root, 'jobs'), dialect, database.url, {
      migrationsList: [createTable(names[0]!, 't_0'), createTable(names[1]!, 't_1'), failing],
    }),
  )

  it('the third of three fails: none is applied, the ledger is empty, the journal says rolled back, and knex agrees', async () => {
    const r = await p.run('up', '--atomic')
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(
      /^Error: jobs: applying 20240103000000_c\.js failed: .*no_such_table.*; --atomic rolled back the whole run \(and the 2 migrations before it\)$/m,
    )
    expect(r.stderr).toMatch(/^Hint: nothing of the run was kept/m)
    expect(hasStack(r.stderr)).toBe(false)
    expect(await knexMigrateList(p.dir)).toEqual({ completed: [], pending: names })
    expect((await listTables(p.db)).filter((t) => t.startsWith('t_'))).toEqual([])
    expect(await p.db.query('SELECT name FROM knex_migrations')).toEqual([])
    const log = json<Log>(await p.run('log', '--json'))
    expect(log.entries.map((e) => [e.migration, e.outcome])).toEqual(names.map((n) => [n, 'rolled_back']))
    expect(log.entries[2]!.error).toMatch(/no_such_table/)
    expect(log.entries[0]!.error).toMatch(/rolled back with the whole --atomic run: 20240103000000_c\.js failed/)
  })

  it('fixed, the whole run applies as one knex batch, one ok journal row each, and knex agrees', async () => {
    writeFileSync(
      join(p.dir, 'migrations', names[2]!),
      `exports.up = async (knex) => { await knex.schema.createTable('t_2', (t) => { t.increments('id') }) }\nexports.down = async (knex) => { await knex.schema.dropTable('t_2') }\n`,
    )
    const r = await p.run('up', '--atomic', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(names)
    expect(await knexMigrateList(p.dir)).toEqual({ completed: names, pending: [] })
    expect((await p.db.query<{ batch: number }>('SELECT DISTINCT batch FROM knex_migrations')).map((b) => Number(b.batch))).toEqual([1])
    const log = json<Log>(await p.run('log', '--json'))
    expect(log.entries.filter((e) => e.outcome === 'ok').map((e) => e.migration)).toEqual(names)
    expect(log.entries).toHaveLength(6)
  })
})

describe.each(dialects)('knex on %s: what --atomic refuses', (dialect) => {
  const p = pluginProject('knex', dialect, (root, database) =>
    writeKnexProject(join(root, 'jobs'), dialect, database.url, {
      migrationsList: [createTable(names[0]!, 't_0'), { ...createTable(names[1]!, 't_1'), transaction: false }],
    }),
  )

  it('MariaDB/MySQL, or a migration that opts out of transactions: one line, nothing applied', async () => {
    const r = await p.run('up', '--atomic')
    expect(r.code).not.toBe(0)
    expect(hasStack(r.stderr)).toBe(false)
    if (dialect === 'mysql') expect(r.stderr).toMatch(/^Error: jobs: --atomic needs transactional DDL, and .* is MySQL\/MariaDB/m)
    else
      expect(r.stderr).toMatch(
        /^Error: jobs: 20240102000000_b\.js runs outside a transaction \(its own opt-out or the project's settings\), so --atomic cannot cover it$/m,
      )
    expect(r.stderr).toMatch(/nothing was applied$/m)
    expect((await knexMigrateList(p.dir)).completed).toEqual([])
  })
})

describe.each(dialects.filter((d) => d !== 'mysql'))('plain SQL on %s: mig up --atomic', (dialect) => {
  const migrations = [
    ...tableMigrations(2),
    { id: '003_t3', up: 'CREATE TABLE t3 (id INTEGER PRIMARY KEY);\nSELECT * FROM no_such_table;\n' },
  ]
  let database: TestDatabase
  let db: Db
  let root: string
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    db = await database.db()
    root = tempDir()
    writeSqlProject(root, 'shop', database.url, migrations)
  })
  afterAll(async () => {
    await database?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })
  const ledger = async () =>
    (await tableExists(db, 'mig_sql_migrations'))
      ? (await db.query<{ id: string }>('SELECT id FROM mig_sql_migrations ORDER BY id')).map((r) => r.id)
      : []

  it('the third of three fails: no table, no ledger row, the journal says rolled back for all three', async () => {
    const r = await mig(['up', '--atomic'], { cwd: root })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(
      /^Error: shop: applying 003_t3 failed: 003_t3\.up\.sql: .*no_such_table.*; --atomic rolled back the whole run \(and the 2 migrations before it\)$/m,
    )
    expect(r.stderr).toMatch(/^ {2}statement: SELECT \* FROM no_such_table/m)
    expect(hasStack(r.stderr)).toBe(false)
    expect((await listTables(db)).filter((t) => /^t\d$/.test(t))).toEqual([])
    expect(await ledger()).toEqual([])
    const log = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries.map((e) => [e.migration, e.outcome])).toEqual(migrations.map((m) => [m.id, 'rolled_back']))
    expect(log.entries[2]!.error).toMatch(/no_such_table/)
    expect(log.entries[0]!.error).toMatch(/rolled back with the whole --atomic run: 003_t3 failed/)
  })

  it('fixed, the whole run applies with one ok journal row each, and the database holds all three tables', async () => {
    writeFileSync(join(root, 'shop', 'migrations', '003_t3.up.sql'), 'CREATE TABLE t3 (id INTEGER PRIMARY KEY);\n')
    const r = await mig(['up', '--atomic', '--json'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(migrations.map((m) => m.id))
    expect((await listTables(db)).filter((t) => /^t\d$/.test(t)).sort()).toEqual(['t1', 't2', 't3'])
    expect(await ledger()).toEqual(migrations.map((m) => m.id))
    const log = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries.filter((e) => e.outcome === 'ok').map((e) => e.migration)).toEqual(migrations.map((m) => m.id))
    expect(log.entries).toHaveLength(6)
  })

  it('a file that opts out of transactions (-- mig:no-transaction) is refused, nothing applied; without --atomic it applies', async () => {
    writeFileSync(join(root, 'shop', 'migrations', '004_t4.up.sql'), '-- mig:no-transaction\nCREATE TABLE t4 (id INTEGER PRIMARY KEY);\n')
    const r = await mig(['up', '--atomic'], { cwd: root })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(
      /^Error: shop: 004_t4 runs outside a transaction \(its own opt-out or the project's settings\), so --atomic cannot cover it$/m,
    )
    expect(hasStack(r.stderr)).toBe(false)
    expect(await listTables(db)).not.toContain('t4')
    const plain = await mig(['up'], { cwd: root })
    expect(plain.code, plain.stderr).toBe(0)
    expect(await listTables(db)).toContain('t4')
    expect(await ledger()).toEqual([...migrations.map((m) => m.id), '004_t4'])
    const log = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries.filter((e) => e.migration === '004_t4').map((e) => e.outcome)).toEqual(['ok'])
  })

  it('a migration an earlier run left half-applied is refused: a rollback could not undo its leftovers', async () => {
    // Outside a transaction, its first statement stays when the second fails: the journal says failed.
    writeFileSync(
      join(root, 'shop', 'migrations', '005_t5.up.sql'),
      '-- mig:no-transaction\nCREATE TABLE t5 (id INTEGER PRIMARY KEY);\nSELECT * FROM no_such_table;\n',
    )
    expect((await mig(['up'], { cwd: root })).code).not.toBe(0)
    const log = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries.filter((e) => e.migration === '005_t5').map((e) => e.outcome)).toEqual(['failed'])
    const r = await mig(['up', '--atomic', '--allow-drift'], { cwd: root })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/^Error: shop: 005_t5 failed partway in an earlier run, so --atomic could not roll all of it back$/m)
    expect(hasStack(r.stderr)).toBe(false)
    const after = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(after.entries.filter((e) => e.migration === '005_t5').map((e) => e.outcome)).toEqual(['failed'])
  })
})

describe('an adapter that cannot apply a run in one transaction yet', () => {
  it('is refused with one line naming the tool, by --atomic and by "atomic": true in mig.config', async () => {
    const root = tempDir()
    const home = tempDir('mig-oclif-')
    // The test plugin's "fixture" tool has no upAtomic.
    const env = { XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') }
    const run = (args: string[]) => mig(args, { cwd: root, env })
    try {
      expect((await run(['plugins', 'link', join(repoRoot, 'test/fixtures/plugin-fixture')])).code).toBe(0)
      mkdirSync(join(root, 'fx'))
      writeFileSync(join(root, 'fx', 'migrations.json'), JSON.stringify(['20240101000000_a', '20240201000000_b']))
      writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'fx', tool: 'fixture', dir: 'fx' }] }))
      const flag = await run(['up', '--atomic'])
      expect(flag.code).not.toBe(0)
      expect(flag.stderr).toMatch(
        /^Error: fx: the fixture adapter cannot apply a run in one transaction on (SQLite|PostgreSQL) \(--atomic\)$/m,
      )
      expect(hasStack(flag.stderr)).toBe(false)
      writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'fx', tool: 'fixture', dir: 'fx', atomic: true }] }))
      const config = await run(['up'])
      expect(config.stderr).toMatch(
        /^Error: fx: the fixture adapter cannot apply a run in one transaction on (SQLite|PostgreSQL) \("atomic": true in mig.config\)$/m,
      )
      expect(
        json<{ projects: { migrations: { state: string }[] }[] }>(await run(['status', '--json'])).projects[0]!.migrations.map(
          (m) => m.state,
        ),
      ).toEqual(['pending', 'pending'])
      expect(existsSync(join(root, 'fx', 'ledger.json'))).toBe(false)
    } finally {
      rmSync(root, { recursive: true, force: true })
      rmSync(home, { recursive: true, force: true })
    }
  })
})
