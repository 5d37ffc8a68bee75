import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import type { Db, Dialect } from '../../src/db/types.js'
import { logSchema, resolveSchema, statusSchema } from '../support/schemas.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { type Result, hasStack, json, mig, tableMigrations, tempDir, withPlugins, writeSqlProject } from '../helpers.js'
import { createTable as knexTable, knexMigrateList, writeKnexProject } from '../../plugins/knex/test/helpers.js'
import {
  createTable as prismaTable,
  migrateStatus as prismaStatus,
  prismaUrl,
  writePrismaProject,
} from '../../plugins/prisma/test/helpers.js'
import {
  createTable as sequelizeTable,
  migrateStatus as sequelizeStatus,
  writeSequelizeProject,
} from '../../plugins/sequelize/test/helpers.js'
import { createTable as typeormTable, migrationShow, writeTypeormProject } from '../../plugins/typeorm/test/helpers.js'

const dialects = await availableDialects()

/** One tool's project of two migrations creating b_one and b_two, and its own CLI (or table) saying which are applied. */
interface Tool {
  tool: string
  ids: [string, string]
  write(dir: string, dialect: Dialect, url: string): void
  native(dir: string, database: TestDatabase): Promise<string[]>
}

const tools: Tool[] = [
  {
    tool: 'sql',
    ids: ['001_b_one', '002_b_two'],
    write: (dir, _dialect, url) =>
      writeSqlProject(join(dir, '..'), 'app', url, [
        { id: '001_b_one', up: 'CREATE TABLE b_one (id INTEGER PRIMARY KEY, title VARCHAR(50));\n', down: 'DROP TABLE b_one;\n' },
        { id: '002_b_two', up: 'CREATE TABLE b_two (id INTEGER PRIMARY KEY, title VARCHAR(50));\n', down: 'DROP TABLE b_two;\n' },
      ]),
    native: async (_dir, database) =>
      (await (await database.db()).query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id),
  },
  {
    tool: 'knex',
    ids: ['20240101000000_b_one.js', '20240102000000_b_two.js'],
    write: (dir, dialect, url) =>
      writeKnexProject(dir, dialect, url, {
        migrationsList: [knexTable('20240101000000_b_one.js', 'b_one'), knexTable('20240102000000_b_two.js', 'b_two')],
      }),
    native: async (dir) => (await knexMigrateList(dir)).completed,
  },
  {
    tool: 'typeorm',
    ids: ['BOne1700000000000', 'BTwo1700000001000'],
    write: (dir, dialect, url) =>
      writeTypeormProject(dir, dialect, url, [typeormTable('BOne1700000000000', 'b_one'), typeormTable('BTwo1700000001000', 'b_two')]),
    native: async (dir) => (await migrationShow(dir)).executed,
  },
  {
    tool: 'sequelize',
    ids: ['20240101000000-b_one.js', '20240102000000-b_two.js'],
    write: (dir, dialect, url) =>
      writeSequelizeProject(dir, dialect, url, {
        migrations: [sequelizeTable('20240101000000-b_one.js', 'b_one'), sequelizeTable('20240102000000-b_two.js', 'b_two')],
      }),
    native: async (dir) => (await sequelizeStatus(dir)).up,
  },
  {
    tool: 'prisma',
    ids: ['20240101000000_b_one', '20240102000000_b_two'],
    write: (dir, dialect, url) =>
      writePrismaProject(dir, dialect, url, [prismaTable('20240101000000_b_one', 'b_one'), prismaTable('20240102000000_b_two', 'b_two')]),
    native: async (dir, database) => {
      if (database.dialect !== 'mysql') return (await prismaStatus(dir, prismaUrl(database.dialect, database.url))).applied
      // The Prisma CLI cannot run on MySQL here (the engine shim speaks SQLite and PostgreSQL): read its table as `migrate status` does.
      const rows = await (
        await database.db()
      ).query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
      )
      return rows.map((r) => r.migration_name)
    },
  },
]

const cases = tools.flatMap((t) => dialects.map((dialect) => ({ ...t, dialect, name: `${t.tool} on ${dialect}` })))

describe.each(cases)('mig baseline adopts an existing database: $name', (c) => {
  let database: TestDatabase
  let db: Db
  let root: string
  let dir: string
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    env = await withPlugins('knex', 'typeorm', 'sequelize', 'prisma')
    database = await createTestDatabase(c.dialect)
    db = await database.db()
    root = tempDir()
    dir = join(root, 'app')
    c.write(dir, c.dialect, database.url)
    // The schema exists already, made by hand (or by an older deploy process).
    for (const t of ['b_one', 'b_two']) await db.run(`CREATE TABLE ${t} (id INTEGER PRIMARY KEY, title VARCHAR(50))`)
  }, 60_000)
  afterAll(async () => {
    await database?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  const run = (...args: string[]) => mig(args, { cwd: root, env })
  const native = async () => ((await tableOf(db, c)) ? c.native(dir, database) : [])

  it('marks each pending migration applied, in order, without running it; the tool agrees', async () => {
    const dry = await run('baseline', '--dry-run', '--json')
    expect(dry.code, dry.stderr).toBe(0)
    expect(resolveSchema.parse(json(dry)).marked.map((m) => m.id)).toEqual(c.ids)
    expect(await native()).toEqual([])

    const first = await run('baseline', '--to', c.ids[0], '--json')
    expect(first.code, first.stderr).toBe(0)
    expect(resolveSchema.parse(json(first))).toMatchObject({ marked: [{ id: c.ids[0], as: 'applied', note: 'baseline' }], dryRun: false })
    expect(await native()).toEqual([c.ids[0]])

    const rest = await run('resolve', '--applied', '--to', c.ids[1], '--reason', 'adopted from the old deploy')
    expect(rest.code, rest.stderr).toBe(0)
    expect(rest.stdout).toContain(`marked applied  app  ${c.ids[1]}  (baseline: adopted from the old deploy)`)
    expect(await native()).toEqual(c.ids)

    const status = await run('status', '--json')
    const parsed = statusSchema.parse(json(status))
    expect(parsed.projects[0]!.migrations!.map((m) => [m.id, m.state, m.drift])).toEqual(c.ids.map((id) => [id, 'applied', false]))
    expect(status.code).toBe(0)
    // Marked, not run: only the hand-made tables, untouched.
    expect((await listTables(db)).filter((t) => t.startsWith('b_'))).toEqual(['b_one', 'b_two'])

    const again = await run('baseline')
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('Nothing to mark')
  }, 120_000)
})

/** Whether the tool's ledger exists yet (before the first mark its CLI may say so loudly). */
async function tableOf(db: Db, c: Tool): Promise<boolean> {
  const ledger = { sql: LEDGER, knex: 'knex_migrations', typeorm: 'migrations', sequelize: 'SequelizeMeta', prisma: '_prisma_migrations' }[
    c.tool
  ]!
  return db.tableExists(ledger)
}

describe.runIf(dialects.includes('mysql'))('mig resolve after a migration failed partway on MariaDB', () => {
  let database: TestDatabase
  let db: Db
  let root: string
  const migrations = join('app', 'migrations')

  beforeAll(async () => {
    database = await createTestDatabase('mysql')
    db = await database.db()
    root = tempDir()
    writeSqlProject(root, 'app', database.url, [
      { id: '001_users', up: 'CREATE TABLE users (id INTEGER PRIMARY KEY);\n', down: 'DROP TABLE users;\n' },
      // DDL commits at once on MariaDB: t stays when the INSERT fails.
      { id: '002_t', up: 'CREATE TABLE t (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);\n', down: 'DROP TABLE t;\n' },
    ])
  })
  afterAll(async () => {
    await database?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  const run = (...args: string[]) => mig(args, { cwd: root })
  const ledger = async () => (await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id)
  const stateOf = async (id: string) => {
    const r = await run('status', '--json')
    const s = statusSchema.parse(json(r))
    return { code: r.code, migration: s.projects[0]!.migrations!.find((m) => m.id === id)! }
  }

  it('--rolled-back after fixing the database by hand: no longer failed, journaled with who and why, and up applies it', async () => {
    expect((await run('up')).code).toBe(1)
    expect(await listTables(db)).toContain('t')
    const failed = await stateOf('002_t')
    expect(failed.migration.state).toBe('failed')
    expect(failed.code & 8).toBe(8)

    await db.run('DROP TABLE t')
    const r = await run('resolve', '002_t', '--rolled-back', '--reason', 'dropped t by hand')
    expect(r.code, r.stderr).toBe(0)
    const after = await stateOf('002_t')
    expect(after.migration.state).toBe('pending')
    expect(after.code).toBe(2)
    expect(await ledger()).toEqual(['001_users'])

    const log = logSchema.parse(json(await run('log', '--json')))
    const row = log.entries.at(-1)!
    expect(row).toMatchObject({
      migration: '002_t',
      direction: 'resolve',
      outcome: 'rolled_back',
      note: 'rolled back by hand: dropped t by hand',
    })
    expect(row.actor).toMatch(/.+@.+/)
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/)
    const text = await run('log')
    expect(text.stdout).toMatch(/002_t\s+resolve\s+marked rolled back\s.*rolled back by hand: dropped t by hand/)

    writeFileSync(join(root, migrations, '002_t.up.sql'), 'CREATE TABLE t (id INTEGER PRIMARY KEY);\n')
    const up = await run('up')
    expect(up.code, up.stderr).toBe(0)
    expect(up.stdout).toContain('002_t')
    expect(await ledger()).toEqual(['001_users', '002_t'])
    expect((await run('status')).code).toBe(0)
  }, 60_000)

  it('--applied after finishing it by hand: applied, no drift, and up has nothing to do', async () => {
    writeFileSync(join(root, migrations, '003_u.up.sql'), 'CREATE TABLE u (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);\n')
    writeFileSync(join(root, migrations, '003_u.down.sql'), 'DROP TABLE u;\n')
    expect((await run('up')).code).toBe(1)
    expect((await stateOf('003_u')).migration.state).toBe('failed')

    // What the migration should have been, now that u exists: the file says what the database holds.
    writeFileSync(join(root, migrations, '003_u.up.sql'), 'CREATE TABLE u (id INTEGER PRIMARY KEY);\n')
    const r = await run('resolve', '003_u', '--applied', '--reason', 'u was created; the insert was a mistake')
    expect(r.code, r.stderr).toBe(0)
    const after = await stateOf('003_u')
    expect(after.migration).toMatchObject({ state: 'applied', drift: false })
    expect(after.code).toBe(0)
    expect(await ledger()).toEqual(['001_users', '002_t', '003_u'])

    const up = await run('up')
    expect(up.code, up.stderr).toBe(0)
    expect(up.stdout).toContain('Nothing to apply')

    // The files recorded by resolve are the baseline for drift from now on.
    writeFileSync(join(root, migrations, '003_u.up.sql'), 'CREATE TABLE u (id BIGINT PRIMARY KEY);\n')
    const drifted = await stateOf('003_u')
    expect(drifted.migration.drift).toBe(true)
    expect(drifted.code & 4).toBe(4)
  }, 60_000)
})

describe('mig resolve refuses what makes no sense', () => {
  let root: string
  beforeAll(async () => {
    root = tempDir()
    writeSqlProject(root, 'app', 'sqlite:./app.db', tableMigrations(2))
    writeSqlProject(root, 'other', 'sqlite:./other.db', tableMigrations(1, 'o'))
    expect((await mig(['up', '--project', 'app', '--one'], { cwd: root })).code).toBe(0)
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const oneLine = (r: Result) => {
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toHaveLength(1)
    expect(hasStack(r.stderr)).toBe(false)
  }

  it.each([
    { name: 'an unknown id', args: ['resolve', '999_nope', '--applied'], message: /no migration "999_nope"/ },
    { name: '--applied on an applied migration', args: ['resolve', '001_t1', '--applied'], message: /app: 001_t1 is already applied/ },
    {
      name: '--rolled-back on one that did not fail',
      args: ['resolve', '002_t2', '--rolled-back'],
      message: /app: 002_t2 is pending, not failed/,
    },
    { name: '--rolled-back on an applied one', args: ['resolve', '001_t1', '--rolled-back'], message: /001_t1 is applied, not failed/ },
    { name: 'neither flag', args: ['resolve', '002_t2'], message: /exactly one of --applied or --rolled-back/ },
    { name: 'both flags', args: ['resolve', '002_t2', '--applied', '--rolled-back'], message: /exactly one of --applied or --rolled-back/ },
    { name: 'no id', args: ['resolve', '--applied'], message: /which migration\?/ },
    { name: '--to with --rolled-back', args: ['resolve', '--rolled-back', '--to', '002_t2'], message: /--to goes with --applied/ },
    { name: 'baseline over several projects', args: ['baseline'], message: /baseline without --to needs one project, and 2 are selected/ },
    { name: 'baseline --to an applied one', args: ['baseline', '--to', '001_t1'], message: /001_t1 is already applied/ },
  ])('$name: exit 2, one line, nothing written', async ({ args, message }) => {
    const r = await mig(args, { cwd: root })
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message)
    oneLine(r)
    const log = logSchema.parse(json(await mig(['log', '--json'], { cwd: root })))
    expect(log.entries.filter((e) => e.direction === 'resolve')).toEqual([])
  })
})

describe.each(dialects)('a journal from before the note column, on %s', (dialect) => {
  let database: TestDatabase
  let db: Db
  let root: string
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    db = await database.db()
    root = tempDir()
    writeSqlProject(root, 'app', database.url, tableMigrations(2))
    const pk =
      dialect === 'postgres'
        ? 'SERIAL PRIMARY KEY'
        : dialect === 'mysql'
          ? 'INTEGER AUTO_INCREMENT PRIMARY KEY'
          : 'INTEGER PRIMARY KEY AUTOINCREMENT'
    await db.run(
      `CREATE TABLE mig_journal (id ${pk}, project VARCHAR(255) NOT NULL, tool VARCHAR(32) NOT NULL, migration VARCHAR(512) NOT NULL, direction VARCHAR(8) NOT NULL, checksum VARCHAR(64), actor VARCHAR(255) NOT NULL, started_at VARCHAR(32) NOT NULL, duration_ms INTEGER NOT NULL, outcome VARCHAR(16) NOT NULL, error TEXT, backup_id VARCHAR(128))`,
    )
    await db.run(
      `INSERT INTO mig_journal (project, tool, migration, direction, checksum, actor, started_at, duration_ms, outcome) VALUES ('app', 'sql', '-', 'backup', NULL, 'old@host', '2024-01-01T00:00:00.000Z', 5, 'ok')`,
    )
  })
  afterAll(async () => {
    await database?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  it('is read as it is, and gains the column at the next write', async () => {
    const before = logSchema.parse(json(await mig(['log', '--json'], { cwd: root })))
    expect(before.entries.map((e) => [e.actor, e.note])).toEqual([['old@host', null]])
    const r = await mig(['baseline', '--to', '001_t1', '--reason', 'old journal'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    const after = logSchema.parse(json(await mig(['log', '--json'], { cwd: root })))
    expect(after.entries.map((e) => [e.direction, e.note])).toEqual([
      ['backup', null],
      ['resolve', 'baseline: old journal'],
    ])
  }, 60_000)
})
