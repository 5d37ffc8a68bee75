import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, listTables } from 'mig/testing'
import {
  freshPluginProject,
  interruptWhileRunning,
  json,
  mig,
  pluginProject,
  repoRoot,
  tempDir,
  withPlugins,
} from '../../../test/helpers.js'
import { createTable, migrateStatus, sequelizeCli, writeMigration, writeSequelizeProject } from './helpers.js'

const names = ['20240101000000-a.js', '20240102000000-b.js', '20240103000000-c.js', '20240104000000-d.js']
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

describe.each(await availableDialects())('sequelize on %s: mig and `sequelize-cli db:migrate:status` agree', (dialect) => {
  const p = pluginProject('sequelize', dialect, (root, database) =>
    writeSequelizeProject(join(root, 'legacy'), dialect, database.url, { migrations: names.map((n, i) => createTable(n, `t_${i}`)) }),
  )
  const run = (...args: string[]) => p.run(...args)
  const agree = async (applied: number) => {
    expect(await migrateStatus(p.dir)).toEqual({ up: names.slice(0, applied), down: names.slice(applied) })
    const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await run('status', '--json'))
    expect(status.projects[0]!.migrations.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(names.slice(0, applied))
    expect((await listTables(p.db)).filter((t) => t.startsWith('t_'))).toEqual(Array.from({ length: applied }, (_, i) => `t_${i}`))
  }

  it('up --one', async () => {
    const r = await run('up', '--one')
    expect(r.code, r.stderr).toBe(0)
    await agree(1)
  })
  it('up', async () => {
    expect((await run('up')).code).toBe(0)
    await agree(4)
  })
  it('down', async () => {
    expect((await run('down')).code).toBe(0)
    await agree(3)
  })
  it('down --to', async () => {
    expect((await run('down', '--to', names[0]!)).code).toBe(0)
    await agree(1)
  })
  it('down --all --yes', async () => {
    expect((await run('up')).code).toBe(0)
    expect((await run('down', '--all', '--yes')).code).toBe(0)
    await agree(0)
  })
  it('continues a project migrated by sequelize-cli, and sequelize-cli continues after mig', async () => {
    await sequelizeCli(p.dir, ['db:migrate', '--to', names[1]!])
    await agree(2)
    expect((await run('up', '--one')).code).toBe(0)
    await agree(3)
    await sequelizeCli(p.dir, ['db:migrate'])
    await agree(4)
    await sequelizeCli(p.dir, ['db:migrate:undo'])
    await agree(3)
    expect((await run('down')).code).toBe(0)
    await agree(2)
  })
})

describe.each((await availableDialects()).filter((d) => d !== 'mysql'))('sequelize --atomic on %s', (dialect) => {
  const p = pluginProject('sequelize', dialect, (root, database) => {
    const dir = writeSequelizeProject(join(root, 'legacy'), dialect, database.url, {
      migrations: [
        ...names.slice(0, 2).map((n, i) => createTable(n, `t_${i}`)),
        { name: names[2]!, up: "await queryInterface.sequelize.query('SELECT * FROM nowhere')", down: '' },
      ],
    })
    const project = { name: 'legacy', tool: 'sequelize', dir: 'legacy', options: { transaction: true } }
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [project] }))
    return dir
  })

  it('a failing third migration rolls back the whole run: no table, no SequelizeMeta row, no journal row ok', async () => {
    const r = await p.run('up', '--atomic')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /legacy: applying 20240103000000-c\.js failed: .*nowhere.*--atomic rolled back the whole run \(and the 2 migrations before it\)/,
    )
    expect(await migrateStatus(p.dir)).toEqual({ up: [], down: names.slice(0, 3) })
    expect((await listTables(p.db)).filter((t) => t.startsWith('t_'))).toEqual([])
    const rows = await p.db.query<{ outcome: string }>('SELECT outcome FROM mig_journal ORDER BY id')
    expect(rows.map((row) => row.outcome)).toEqual(['rolled_back', 'rolled_back', 'rolled_back'])
  })

  it('applies every migration in one transaction, each journaled ok, and sequelize-cli agrees', async () => {
    rmSync(join(p.dir, 'migrations', names[2]!))
    const r = await p.run('up', '--atomic', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(names.slice(0, 2))
    expect(await migrateStatus(p.dir)).toEqual({ up: names.slice(0, 2), down: [] })
    const rows = await p.db.query<{ migration: string; outcome: string }>(
      "SELECT migration, outcome FROM mig_journal WHERE outcome = 'ok' ORDER BY id",
    )
    expect(rows).toEqual(names.slice(0, 2).map((migration) => ({ migration, outcome: 'ok' })))
  })
})

describe.runIf((await availableDialects()).includes('postgres'))('Ctrl-C during a Sequelize migration on PostgreSQL', () => {
  it('with "transaction": true, cancels its statement at once (Sequelize\'s connection carries mig\'s application_name), rolls it back, exits 130', async () => {
    const { env, root, dir, db } = await freshPluginProject('sequelize', 'postgres', (root, database) => {
      writeFileSync(
        join(root, 'mig.config.json'),
        JSON.stringify({ projects: [{ name: 'shop', tool: 'sequelize', dir: 'shop', options: { transaction: true } }] }),
      )
      return writeSequelizeProject(join(root, 'shop'), 'postgres', database.url, {
        migrations: [
          createTable(names[0]!, 'a'),
          {
            name: names[1]!,
            up: "await queryInterface.createTable('half', { id: Sequelize.INTEGER }); await queryInterface.sequelize.query('SELECT pg_sleep(20)')",
            down: '',
          },
        ],
      })
    })
    const r = await interruptWhileRunning(root, env, db, 'SELECT pg_sleep(20)')
    expect(r.code, r.stderr).toBe(130)
    expect(r.ms).toBeLessThan(15_000)
    expect(r.stderr).toMatch(/shop \S+ was rolled back/)
    expect(await migrateStatus(dir)).toEqual({ up: [names[0]], down: [names[1]] })
    expect(await db.tableExists('half')).toBe(false)
  })
})

describe('sequelize project variants', () => {
  it('migrationStorage "json": mig and sequelize-cli take turns on the one file', async () => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeSequelizeProject(join(root, 'api'), 'sqlite', '', {
      env: { migrationStorage: 'json', migrationStoragePath: 'db/ledger.json' },
      migrations: names.slice(0, 3).map((n, i) => createTable(n, `t_${i}`)),
    })
    const ledger = () => JSON.parse(readFileSync(join(dir, 'db', 'ledger.json'), 'utf8')) as string[]
    expect((await mig(['up', '--one'], { cwd: root, env })).code).toBe(0)
    expect(ledger()).toEqual(names.slice(0, 1))
    await sequelizeCli(dir, ['db:migrate', '--to', names[1]!])
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    expect(await migrateStatus(dir)).toEqual({ up: names.slice(0, 3), down: [] })
    expect((await mig(['down'], { cwd: root, env })).code).toBe(0)
    expect(ledger()).toEqual(names.slice(0, 2))
    expect(await migrateStatus(dir)).toEqual({ up: names.slice(0, 2), down: names.slice(2, 3) })
  })

  it('a SequelizeMeta given timestamps by sequelize-cli gets its createdAt from mig too', async () => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeSequelizeProject(join(root, 'api'), 'sqlite', '', {
      migrations: names.slice(0, 2).map((n, i) => createTable(n, `t_${i}`)),
    })
    await sequelizeCli(dir, ['db:migrate', '--to', names[0]!])
    await sequelizeCli(dir, ['db:migrate:schema:timestamps:add'])
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    expect(await migrateStatus(dir)).toEqual({ up: names.slice(0, 2), down: [] })
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'dev.sqlite'))
    const row = sqlite.prepare('SELECT createdAt, updatedAt FROM SequelizeMeta WHERE name = ?').get(names[1]) as {
      createdAt: string
      updatedAt: string
    }
    sqlite.close()
    expect(Number.isNaN(Date.parse(row.createdAt))).toBe(false)
    expect(row.updatedAt).toBe(row.createdAt)
  })

  it('.sequelizerc paths and a custom migrationStorageTableName', async () => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeSequelizeProject(join(root, 'api'), 'sqlite', '', {
      rc: true,
      env: { migrationStorageTableName: 'schema_migrations' },
      migrations: names.slice(0, 2).map((n, i) => createTable(n, `t_${i}`)),
    })
    const r = await mig(['up', '--json'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(names.slice(0, 2))
    expect((await migrateStatus(dir)).up).toEqual(names.slice(0, 2))
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'dev.sqlite'))
    expect(sqlite.prepare('SELECT name FROM schema_migrations ORDER BY name').all()).toEqual(names.slice(0, 2).map((name) => ({ name })))
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'SequelizeMeta'").all()).toEqual([])
    sqlite.close()
    const made = await mig(['make', 'add_phone', '--json'], { cwd: root, env })
    expect(made.code, made.stderr).toBe(0)
    const file = json<{ files: string[] }>(made).files[0]!
    expect(file).toMatch(/db\/migrate\/\d{14}-add_phone\.js$/)
    expect((await migrateStatus(dir)).down).toEqual([file.split('/').pop()])
  })

  it('.cjs and .ts migrations run in file-name order', async () => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeSequelizeProject(join(root, 'api'), 'sqlite', '', { migrations: [createTable('20240101000000-a.cjs', 'a')] })
    writeFileSync(
      join(dir, 'migrations', '20240102000000-b.ts'),
      "import type { QueryInterface } from 'sequelize'\nexport async function up(queryInterface: QueryInterface, Sequelize: { INTEGER: unknown }): Promise<void> { await queryInterface.createTable('b', { id: { type: Sequelize.INTEGER as never, primaryKey: true } }) }\nexport async function down(queryInterface: QueryInterface): Promise<void> { await queryInterface.dropTable('b') }\n",
    )
    writeFileSync(join(dir, 'migrations', '20240102000000-b.d.ts'), 'export {}\n')
    const r = await mig(['up', '--json'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id)).toEqual(['20240101000000-a.cjs', '20240102000000-b.ts'])
    expect((await mig(['down'], { cwd: root, env })).code).toBe(0)
    expect(
      json<{ projects: { summary: { applied: number; pending: number } }[] }>(await mig(['status', '--json'], { cwd: root, env }))
        .projects[0]!.summary,
    ).toMatchObject({ applied: 1, pending: 1 })
  })

  it('a failing migration names the statement and records nothing', async () => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeSequelizeProject(join(root, 'api'), 'sqlite', '', { migrations: [createTable(names[0]!, 'a')] })
    writeMigration(join(dir, 'migrations'), {
      name: names[1]!,
      up: "await queryInterface.sequelize.query('SELECT * FROM nowhere')",
      down: '',
    })
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/api: applying 20240102000000-b\.js failed: .*no such table: nowhere/)
    expect(r.stderr).toMatch(/statement: SELECT \* FROM nowhere/)
    expect(await migrateStatus(dir)).toEqual({ up: [names[0]], down: [names[1]] })
  })

  it('mig status never loads sequelize', async () => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSequelizeProject(join(root, 'api'), 'sqlite', '', { migrations: [createTable(names[0]!, 'a')] })
    const trace = join(root, 'trace.txt')
    const r = await mig(['status'], {
      cwd: root,
      env: { ...env, MIG_TRACE_FILE: trace },
      nodeArgs: ['--import', join(repoRoot, 'test/fixtures/trace-loads.mjs')],
    })
    expect(r.code).toBe(2)
    const loaded = execFileSync('cat', [trace], { encoding: 'utf8' })
    expect(loaded).toMatch(/plugins\/sequelize\/dist/)
    expect(loaded).not.toMatch(/node_modules\/(sequelize|umzug)\//)
  })
})
