import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, createTestDatabase, listTables } from 'mig/testing'
import type { Db } from 'mig'
import {
  freshPluginProject,
  interruptWhileRunning,
  json,
  mig,
  pluginProject,
  repoRoot,
  tempDir,
  withPlugins,
  writeSqlProject,
} from '../../../test/helpers.js'
import { type KnexMigration, createTable, knexCli, knexMigrateList, writeKnexProject, writeMigration } from './helpers.js'

const names = ['20240101000000_a.js', '20240102000000_b.js', '20240103000000_c.js', '20240104000000_d.js', '20240105000000_e.js']
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

describe.each(await availableDialects())('knex on %s: mig and `knex migrate:list` agree', (dialect) => {
  const p = pluginProject('knex', dialect, (root, database) =>
    writeKnexProject(join(root, 'jobs'), dialect, database.url, { migrationsList: names.map((n, i) => createTable(n, `t_${i}`)) }),
  )
  const run = (...args: string[]) => p.run(...args)
  const agree = async (applied: number) => {
    const native = await knexMigrateList(p.dir)
    expect(native.completed).toEqual(names.slice(0, applied))
    expect(native.pending).toEqual(names.slice(applied))
    const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await run('status', '--json'))
    expect(status.projects[0]!.migrations.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(native.completed)
    expect(status.projects[0]!.migrations.filter((m) => m.state === 'pending').map((m) => m.id)).toEqual(native.pending)
  }
  const batches = async () =>
    (await p.db.query<{ name: string; batch: number }>('SELECT name, batch FROM knex_migrations ORDER BY id')).map((r) => [
      r.name,
      Number(r.batch),
    ])

  it('up --one', async () => {
    expect((await run('up', '--one')).code).toBe(0)
    await agree(1)
  })
  it('up (one batch for the whole run, as knex migrate:latest numbers it)', async () => {
    expect((await run('up', '--step', '2')).code).toBe(0)
    await agree(3)
    expect(await batches()).toEqual([
      [names[0], 1],
      [names[1], 2],
      [names[2], 2],
    ])
  })
  it('down --batch reverts the whole last batch', async () => {
    const r = await run('down', '--batch', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual([names[2], names[1]])
    await agree(1)
  })
  it('up, then down', async () => {
    expect((await run('up')).code).toBe(0)
    await agree(5)
    expect((await run('down')).code).toBe(0)
    await agree(4)
  })
  it('down --to', async () => {
    expect((await run('down', '--to', names[1]!)).code).toBe(0)
    await agree(2)
    expect((await listTables(p.db)).filter((t) => t.startsWith('t_'))).toEqual(['t_0', 't_1'])
  })
  it('knex rollback undoes exactly the batch mig wrote', async () => {
    expect((await run('up')).code).toBe(0)
    await knexCli(p.dir, ['migrate:rollback'])
    await agree(2)
  })
})

describe.each(await availableDialects())('a knex project migrated earlier by knex on %s', (dialect) => {
  it('shows correctly, and mig continues where knex stopped with batches numbered as knex would', async () => {
    const env = await withPlugins('knex')
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writeKnexProject(join(root, 'jobs'), dialect, database.url, {
      migrationsList: names.slice(0, 2).map((n, i) => createTable(n, `t_${i}`)),
    })
    await knexCli(dir, ['migrate:latest'])
    for (const [i, n] of names.slice(2).entries()) writeMigration(join(dir, 'migrations'), createTable(n, `t_${i + 2}`))
    const status = json<{ projects: { migrations: { id: string; state: string; batch?: number }[] }[] }>(
      await mig(['status', '--json'], { cwd: root, env }),
    )
    expect(status.projects[0]!.migrations.map((m) => [m.id, m.state, m.batch])).toEqual([
      [names[0], 'applied', 1],
      [names[1], 'applied', 1],
      [names[2], 'pending', undefined],
      [names[3], 'pending', undefined],
      [names[4], 'pending', undefined],
    ])
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    const db = await database.db()
    expect((await db.query<{ batch: number }>('SELECT batch FROM knex_migrations ORDER BY id')).map((r) => Number(r.batch))).toEqual([
      1, 1, 2, 2, 2,
    ])
    expect((await knexMigrateList(dir)).pending).toEqual([])
    await knexCli(dir, ['migrate:rollback'])
    expect((await knexMigrateList(dir)).completed).toEqual(names.slice(0, 2))
  })
})

describe('knexfile and migration variants', () => {
  it('a TypeScript knexfile with TypeScript migrations in two directories', async () => {
    const env = await withPlugins('knex')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeKnexProject(join(root, 'ts'), 'sqlite', '', {
      ts: true,
      migrations: { directory: ['./migrations', './more'], extension: 'ts' },
    })
    writeMigration(join(dir, 'migrations'), createTable('20240101000000_a.ts', 'a'), true)
    writeMigration(join(dir, 'more'), createTable('20240102000000_b.ts', 'b'), true)
    writeMigration(join(dir, 'migrations'), createTable('20240103000000_c.ts', 'c'), true)
    const r = await mig(['up', '--json'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual([
      '20240101000000_a.ts',
      '20240102000000_b.ts',
      '20240103000000_c.ts',
    ])
    expect(await knexMigrateList(dir)).toEqual({
      completed: ['20240101000000_a.ts', '20240102000000_b.ts', '20240103000000_c.ts'],
      pending: [],
    })
    const made = await mig(['make', 'add_phone', '--json'], { cwd: root, env })
    expect(made.code, made.stderr).toBe(0)
    const file = json<{ files: string[] }>(made).files[0]!
    expect(file).toMatch(/migrations\/\d{14}_add_phone\.ts$/)
    expect(readFileSync(file, 'utf8')).toContain("import type { Knex } from 'knex'")
    expect((await knexMigrateList(dir)).pending).toEqual([file.split('/').pop()])
    const unknown = await mig(['make', 'add_trigger', '--template', 'add-trigger'], { cwd: root, env })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(
      'Error: no knex template "add-trigger"\nHint: use one of: add-column, add-index, alter-column, blank, create-table, data-migration, enum, foreign-key, json, rename-column, rename-table, timestamps (or add add-trigger.ts.txt in .mig/templates/knex/)\n',
    )
    const noTable = await mig(['make', 'create_things', '-t', 'create-table', '--json'], { cwd: root, env })
    expect(noTable.code).toBe(0)
    expect(noTable.stderr).toMatch(/_create_things\.ts: fill in __TABLE__ \(or make it again with --table\); until then it stops when run/)
    const placeholders = json<{ files: string[] }>(noTable).files[0]!
    expect(readFileSync(placeholders, 'utf8')).toContain("createTable('__TABLE__'")
    rmSync(placeholders)
    const orders = await mig(['make', 'create_orders', '-t', 'create-table', '--table', 'orders', '--json'], { cwd: root, env })
    expect(orders.code, orders.stderr).toBe(0)
    expect(readFileSync(json<{ files: string[] }>(orders).files[0]!, 'utf8')).toContain("createTable('orders'")
  })

  it('custom tableName and a failing migration leaves knex_migrations and the lock untouched', async () => {
    const env = await withPlugins('knex')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeKnexProject(join(root, 'jobs'), 'sqlite', '', {
      migrations: { tableName: 'schema_history' },
      migrationsList: [
        createTable('20240101000000_a.js', 'a'),
        {
          name: '20240102000000_bad.js',
          up: "await knex.schema.createTable('half', (t) => { t.integer('id') }); await knex.raw('SELECT * FROM nowhere')",
          down: '',
        },
      ],
    })
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/jobs: applying 20240102000000_bad\.js failed: .*nowhere/)
    expect(r.stderr).toMatch(/statement: SELECT \* FROM nowhere/)
    expect(await knexMigrateList(dir)).toEqual({ completed: ['20240101000000_a.js'], pending: ['20240102000000_bad.js'] })
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'dev.db'))
    expect(sqlite.prepare('SELECT is_locked FROM schema_history_lock').all()).toEqual([{ is_locked: 0 }])
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all()).toEqual([])
    sqlite.close()
  })
})

describe('knex_migrations_lock', () => {
  it('a stuck knex lock stops mig, shows in `mig unlock` with when the last migration ran, and is released only when asked', async () => {
    const env = await withPlugins('knex')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeKnexProject(join(root, 'jobs'), 'sqlite', '', { migrationsList: [createTable(names[0]!, 'a')] })
    await knexCli(dir, ['migrate:latest'])
    writeMigration(join(dir, 'migrations'), createTable(names[1]!, 'b'))
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'dev.db'))
    sqlite.prepare('UPDATE knex_migrations_lock SET is_locked = 1').run()
    const blocked = await mig(['up'], { cwd: root, env })
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toMatch(/jobs: knex's migration lock \(knex_migrations_lock\) is held/)
    const shown = await mig(['unlock'], { cwd: root, env })
    expect(shown.stdout).toMatch(/locked .* knex_migrations_lock: set; the last knex migration ran at \d{4}-\d\d-\d\dT[\d:.]+Z, \d+s ago/)
    expect(sqlite.prepare('SELECT is_locked FROM knex_migrations_lock').get()).toEqual({ is_locked: 1 })
    const released = await mig(['unlock', '--release'], { cwd: root, env })
    expect(released.stdout).toMatch(/released .* knex_migrations_lock/)
    expect(sqlite.prepare('SELECT is_locked FROM knex_migrations_lock').get()).toEqual({ is_locked: 0 })
    sqlite.close()
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    expect((await knexMigrateList(dir)).completed).toEqual(names.slice(0, 2))
  })
})

describe.runIf((await availableDialects()).includes('postgres'))('config.transaction = false on PostgreSQL', () => {
  it('runs CREATE INDEX CONCURRENTLY (knex issue 5359)', async () => {
    const env = await withPlugins('knex')
    const database = await createTestDatabase('postgres')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writeKnexProject(join(root, 'jobs'), 'postgres', database.url, {
      migrationsList: [
        createTable('20240101000000_a.js', 'a'),
        {
          name: '20240102000000_index.js',
          up: "await knex.raw('CREATE INDEX CONCURRENTLY a_name ON a (name)')",
          down: "await knex.raw('DROP INDEX CONCURRENTLY a_name')",
          transaction: false,
        },
      ],
    })
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    const db = await database.db()
    expect(await db.query("SELECT indexname FROM pg_indexes WHERE indexname = 'a_name'")).toHaveLength(1)
    expect((await knexMigrateList(dir)).pending).toEqual([])
    expect((await mig(['down'], { cwd: root, env })).code).toBe(0)
    expect(await db.query("SELECT indexname FROM pg_indexes WHERE indexname = 'a_name'")).toHaveLength(0)
  })
})

describe.runIf((await availableDialects()).includes('postgres'))(
  'PostgreSQL: the next migration begins in the round trip that commits the one before',
  () => {
    const project = async (migrationsList: KnexMigration[]) => {
      const fresh = await freshPluginProject('knex', 'postgres', (root, database) =>
        writeKnexProject(join(root, 'jobs'), 'postgres', database.url, { migrationsList }),
      )
      const { db } = fresh
      const journal = async () =>
        (await db.query<{ migration: string; outcome: string }>('SELECT migration, outcome FROM mig_journal ORDER BY id')).map(
          (r) => `${r.migration} ${r.outcome}`,
        )
      return { ...fresh, journal }
    }
    const abc = ['20240101000000_a.js', '20240102000000_b.js', '20240103000000_c.js']

    /** a, then b (a table `half`, then `statement`), then c. */
    const secondRuns = (statement: string): KnexMigration[] => [
      createTable(abc[0]!, 'a'),
      {
        name: abc[1]!,
        up: `await knex.schema.createTable('half', (t) => { t.integer('id') }); await knex.raw(${JSON.stringify(statement)})`,
        down: '',
      },
      createTable(abc[2]!, 'c'),
    ]
    /** a applied, b and c pending (knex agrees), nothing of b or c left, knex's lock free, b journaled rolled back. */
    const keptFirstOnly = async (p: Awaited<ReturnType<typeof project>>) => {
      expect(await knexMigrateList(p.dir)).toEqual({ completed: [abc[0]], pending: abc.slice(1) })
      expect(await p.db.query("SELECT 1 FROM pg_tables WHERE tablename IN ('half', 'c')")).toEqual([])
      expect(await p.db.query('SELECT is_locked FROM knex_migrations_lock')).toEqual([{ is_locked: 0 }])
      expect(await p.journal()).toEqual([`${abc[0]} ok`, `${abc[1]} rolled_back`])
    }

    it('a failing second migration keeps the first, leaves no part of itself, and frees the lock', async () => {
      const p = await project(secondRuns('SELECT * FROM nowhere'))
      const r = await mig(['up'], { cwd: p.root, env: p.env })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/jobs: applying 20240102000000_b\.js failed: .*nowhere/)
      await keptFirstOnly(p)
    })

    it('Ctrl-C in a migration begun in the round trip before rolls it back, keeps the one before, frees the lock, exits 130', async () => {
      const p = await project(secondRuns('SELECT pg_sleep(20)'))
      const r = await interruptWhileRunning(p.root, p.env, p.db, 'SELECT pg_sleep(20)')
      expect(r.code, r.stderr).toBe(130)
      // Cancelled, not waited out.
      expect(r.ms).toBeLessThan(15_000)
      expect(r.stderr).toMatch(/1 migration was applied before \(jobs 20240101000000_a\.js\); jobs 20240102000000_b\.js was rolled back/)
      await keptFirstOnly(p)
    })

    /** knex's lock table as knex makes it, with a trigger doing `then` from the second take of the lock (the one sent after the first COMMIT) on. */
    const lockTable = async (db: Db, then: string) => {
      await db.run('CREATE TABLE knex_migrations_lock ("index" serial PRIMARY KEY, is_locked integer)')
      await db.run('INSERT INTO knex_migrations_lock (is_locked) VALUES (0)')
      await db.run('CREATE SEQUENCE lock_takes')
      await db.run(
        `CREATE FUNCTION on_take() RETURNS trigger AS $$ BEGIN IF nextval('lock_takes') >= 2 THEN ${then}; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      )
      await db.run(
        'CREATE TRIGGER on_take BEFORE UPDATE ON knex_migrations_lock FOR EACH ROW WHEN (NEW.is_locked = 1) EXECUTE FUNCTION on_take()',
      )
    }

    it('knex_migrations_lock found held when taken for the next migration: that one commits, mig stops there', async () => {
      const p = await project(abc.map((name, i) => createTable(name, `t_${i}`)))
      // From the second take on, the update finds no unlocked row: what a knex run that took the lock in between leaves.
      await lockTable(p.db, 'RETURN NULL')
      const r = await mig(['up'], { cwd: p.root, env: p.env })
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/jobs: knex's migration lock \(knex_migrations_lock\) is held/)
      expect(await knexMigrateList(p.dir)).toEqual({ completed: [abc[0]], pending: abc.slice(1) })
      expect(await p.journal()).toEqual([`${abc[0]} ok`, `${abc[1]} rolled_back`])
      expect(await p.db.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 't\\_%' ORDER BY 1")).toEqual([{ tablename: 't_0' }])
    })

    it('a failure after the COMMIT in that round trip is read back: the committed migration is reported applied', async () => {
      const p = await project(abc.map((name, i) => createTable(name, `t_${i}`)))
      await lockTable(p.db, "IF currval('lock_takes') = 2 THEN RAISE EXCEPTION 'second take refused'; END IF")
      const r = await mig(['up', '--json'], { cwd: p.root, env: p.env })
      expect(r.code, r.stderr).toBe(0)
      expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(abc)
      expect(await knexMigrateList(p.dir)).toEqual({ completed: abc, pending: [] })
      expect(await p.journal()).toEqual(abc.map((id) => `${id} ok`))
      // The refused take happened: four takes for three migrations.
      expect(await p.db.query<{ last_value: string }>('SELECT last_value FROM lock_takes')).toEqual([{ last_value: '4' }])
      expect(await p.db.query('SELECT is_locked FROM knex_migrations_lock')).toEqual([{ is_locked: 0 }])
    })

    it('another run that applied the next migration while mig waited for the lock: mig stops before it, nothing applied twice', async () => {
      const p = await project(abc.map((name, i) => createTable(name, `t_${i}`)))
      // From the second take on, the take itself records the next migration: what a knex run that got the lock first leaves.
      await lockTable(p.db, `INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('${abc[1]}', 99, now())`)
      await p.db.run('CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch integer, migration_time timestamptz)')
      const r = await mig(['up'], { cwd: p.root, env: p.env })
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(
        /jobs: 20240102000000_b\.js was applied by another run \(knex_migrations says so\) while mig waited for knex's lock/,
      )
      expect(await p.db.query('SELECT name FROM knex_migrations ORDER BY id')).toEqual([{ name: abc[0] }])
      expect(await p.db.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 't\\_%' ORDER BY 1")).toEqual([{ tablename: 't_0' }])
    })

    it('down: each migration after the first is reverted in the transaction begun before it; one reverted by another run meanwhile stops mig', async () => {
      const p = await project(abc.map((name, i) => createTable(name, `t_${i}`)))
      expect((await mig(['up'], { cwd: p.root, env: p.env })).code).toBe(0)
      await p.db.run('CREATE SEQUENCE lock_takes')
      await p.db.run(
        "CREATE FUNCTION count_take() RETURNS trigger AS $$ BEGIN PERFORM nextval('lock_takes'); RETURN NEW; END $$ LANGUAGE plpgsql",
      )
      await p.db.run(
        'CREATE TRIGGER count_take BEFORE UPDATE ON knex_migrations_lock FOR EACH ROW WHEN (NEW.is_locked = 1) EXECUTE FUNCTION count_take()',
      )
      const down = await mig(['down', '--step', '2'], { cwd: p.root, env: p.env })
      expect(down.code, down.stderr).toBe(0)
      expect(await knexMigrateList(p.dir)).toEqual({ completed: [abc[0]], pending: abc.slice(1) })
      // One take for the first step; the second's came with the first's COMMIT.
      expect(await p.db.query<{ last_value: string }>('SELECT last_value FROM lock_takes')).toEqual([{ last_value: '2' }])
      expect((await mig(['up'], { cwd: p.root, env: p.env })).code).toBe(0)
      // From now on the second take removes the next one's row first: what a `knex migrate:rollback` that got the lock first leaves.
      await p.db.run('ALTER SEQUENCE lock_takes RESTART')
      await p.db.run(
        `CREATE OR REPLACE FUNCTION count_take() RETURNS trigger AS $$ BEGIN IF nextval('lock_takes') >= 2 THEN DELETE FROM knex_migrations WHERE name = '${abc[1]}'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      )
      const r = await mig(['down', '--step', '2'], { cwd: p.root, env: p.env })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(
        /jobs: 20240102000000_b\.js was reverted by another run \(knex_migrations says so\) while mig waited for knex's lock/,
      )
      expect(await knexMigrateList(p.dir)).toEqual({ completed: abc.slice(0, 2), pending: [abc[2]] })
      expect(await p.db.query("SELECT 1 FROM pg_tables WHERE tablename = 't_1'")).toHaveLength(1)
    })

    it('a failure in that round trip before its COMMIT is read back too: the migration is reported not applied', async () => {
      const p = await project(abc.map((name, i) => createTable(name, `t_${i}`)))
      await p.db.run('CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch integer, migration_time timestamptz)')
      await p.db.run(
        "CREATE FUNCTION refuse_row() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'ledger row refused'; END $$ LANGUAGE plpgsql",
      )
      await p.db.run('CREATE TRIGGER refuse BEFORE INSERT ON knex_migrations FOR EACH ROW EXECUTE FUNCTION refuse_row()')
      const r = await mig(['up'], { cwd: p.root, env: p.env })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/jobs: applying 20240101000000_a\.js failed: .*ledger row refused/)
      expect(await p.db.query("SELECT 1 FROM pg_tables WHERE tablename = 't_0'")).toEqual([])
      expect(await p.journal()).toEqual([`${abc[0]} rolled_back`])
      expect(await p.db.query('SELECT is_locked FROM knex_migrations_lock')).toEqual([{ is_locked: 0 }])
    })

    it('a next migration whose file fails to load: the one before commits, mig stops at it (no transaction left open)', async () => {
      const p = await project([createTable(abc[0]!, 'a'), { name: abc[1]!, up: '', down: '' }, createTable(abc[2]!, 'c')])
      writeFileSync(join(p.dir, 'migrations', abc[1]!), "require('./nowhere')\nexports.up = async () => {}\n")
      const r = await mig(['up'], { cwd: p.root, env: p.env })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/jobs: applying 20240102000000_b\.js failed: .*nowhere/)
      expect(await knexMigrateList(p.dir)).toEqual({ completed: [abc[0]], pending: abc.slice(1) })
      expect(await p.journal()).toEqual([`${abc[0]} ok`])
    })
  },
)

describe('knex loads only where there are knex projects', () => {
  it('`mig --help` and `mig status` never load knex, even with the plugin installed and a knex project present; `mig up` does', async () => {
    const env = await withPlugins('knex')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'app', 'sqlite:./a.db', [{ id: '001_a', up: 'CREATE TABLE a (x int);' }])
    const trace = (name: string) => join(root, `${name}.trace`)
    const traced = (args: string[], name: string) =>
      mig(args, {
        cwd: root,
        env: { ...env, MIG_TRACE_FILE: trace(name) },
        nodeArgs: ['--import', join(repoRoot, 'test/fixtures/trace-loads.mjs')],
      })
    expect((await traced(['--help'], 'help')).code).toBe(0)
    expect((await traced(['status'], 'status')).code).toBe(2)
    const loadedStatus = readFileSync(trace('status'), 'utf8')
    expect(loadedStatus).toMatch(/plugins\/knex\/dist\/hooks\/adapters\.js/)
    for (const name of ['help', 'status']) expect(readFileSync(trace(name), 'utf8')).not.toMatch(/node_modules\/knex\//)
    writeKnexProject(join(root, 'jobs'), 'sqlite', '', { migrationsList: [createTable('20240101000000_a.js', 'a')] })
    const status = await traced(['status', '--json'], 'with-knex')
    expect(
      json<{ projects: { tool: string; summary: { pending: number } }[] }>(status).projects.find((p) => p.tool === 'knex')!.summary.pending,
    ).toBe(1)
    expect(readFileSync(trace('with-knex'), 'utf8')).not.toMatch(/node_modules\/knex\//)
    expect((await traced(['up', '--project', 'jobs'], 'up')).code).toBe(0)
    expect(readFileSync(trace('up'), 'utf8')).toMatch(/node_modules\/knex\//)
  })
})

describe('installing the plugin', () => {
  it('`mig plugins install file:<packed tgz>` makes it available in a fresh oclif data dir', async () => {
    const home = tempDir('mig-oclif-')
    cleanup.push(() => rmSync(home, { recursive: true, force: true }))
    const env = { XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') }
    const packed = execFileSync('npm', ['pack', '--pack-destination', home, '--silent'], {
      cwd: join(repoRoot, 'plugins/knex'),
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeKnexProject(join(root, 'jobs'), 'sqlite', '', { migrationsList: [createTable('20240101000000_a.js', 'a')] })
    const before = await mig(['status'], { cwd: root, env })
    expect(before.stdout).toContain('mig plugins install @mig/plugin-knex')
    const install = await mig(['plugins', 'install', `file:${join(home, packed)}`], { cwd: home, env })
    expect(install.code, install.stderr).toBe(0)
    expect(install.stderr).not.toMatch(/may not work as expected/)
    // Listed by its short name: mig's oclif.scope makes `knex` mean @mig/plugin-knex.
    // oclif colours the version under CI=… even without a TTY (ansis): compare the text.
    expect(stripVTControlCharacters((await mig(['plugins'], { cwd: home, env })).stdout)).toMatch(/^knex 0\.1\.0$/m)
    const after = await mig(['up'], { cwd: root, env })
    expect(after.code, after.stderr).toBe(0)
    expect((await knexMigrateList(join(root, 'jobs'))).completed).toEqual(['20240101000000_a.js'])
    // status finds the installed plugin without oclif, too (src/fast-status.ts).
    const status = await mig(['status'], { cwd: root, env: { ...env, DEBUG: 'mig:fast' } })
    expect(status.stderr).toContain('mig:fast status handled')
    expect(status.stdout).toMatch(/jobs\s+knex\s+\S+\s+1\s+0\s+up to date/)
  }, 120_000)
})
