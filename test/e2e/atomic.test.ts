import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { availableDialects, listTables } from '../../src/testing/index.js'
import { createTable, knexMigrateList, writeKnexProject } from '../../plugins/knex/test/helpers.js'
import { hasStack, json, mig, pluginProject, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

/** `mig up --atomic`: every pending migration of the database in one transaction, checked against knex's own CLI. */
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
    else expect(r.stderr).toMatch(/^Error: jobs: 20240102000000_b\.js opts out of transactions, so --atomic cannot cover it$/m)
    expect(r.stderr).toMatch(/nothing was applied$/m)
    expect((await knexMigrateList(p.dir)).completed).toEqual([])
  })
})

describe('an adapter that cannot apply a run in one transaction yet', () => {
  it('is refused with one line naming the tool, by --atomic and by "atomic": true in mig.config', async () => {
    const root = tempDir()
    try {
      writeSqlProject(root, 'shop', `sqlite:${join(root, 'shop.db')}`, tableMigrations(2))
      const flag = await mig(['up', '--atomic'], { cwd: root })
      expect(flag.code).not.toBe(0)
      expect(flag.stderr).toMatch(/^Error: shop: the sql adapter cannot apply a run in one transaction yet \(--atomic\)$/m)
      expect(hasStack(flag.stderr)).toBe(false)
      writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop', atomic: true }] }))
      const config = await mig(['up'], { cwd: root })
      expect(config.stderr).toMatch(
        /^Error: shop: the sql adapter cannot apply a run in one transaction yet \("atomic": true in mig.config\)$/m,
      )
      expect(
        json<{ projects: { migrations: { state: string }[] }[] }>(
          await mig(['status', '--json'], { cwd: root }),
        ).projects[0]!.migrations.map((m) => m.state),
      ).toEqual(['pending', 'pending'])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
