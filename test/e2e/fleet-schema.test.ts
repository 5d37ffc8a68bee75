import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { linkNodeModules, mig, tableMigrations, tempDir, withPlugins } from '../helpers.js'
import { fleetJson, writeFleetProject } from './support/fleet.js'

const dialects = await availableDialects()

const schemas = ['tenant_a', 'tenant_b', 'tenant_c']

describe.runIf(dialects.includes('postgres'))('schema-per-tenant on PostgreSQL: a plain-SQL fleet and a knex fleet on one database', () => {
  let database: TestDatabase
  let root: string
  let env: NodeJS.ProcessEnv
  const run = (...args: string[]) => mig(args, { cwd: root, env: { ...env, NODE_ENV: 'development' } })
  const tablesIn = async (schema: string): Promise<string[]> => {
    const db = await database.db()
    const rows = await db.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name',
      [schema],
    )
    return rows.map((r) => r.table_name)
  }

  beforeAll(async () => {
    env = await withPlugins('knex')
    database = await createTestDatabase('postgres')
    root = tempDir('mig-fleet-schema-')
    writeFleetProject(root, tableMigrations(3))
    const knex = join(root, 'knexapp')
    linkNodeModules(knex)
    mkdirSync(join(knex, 'migrations'))
    writeFileSync(join(knex, 'package.json'), JSON.stringify({ name: 'knexapp', private: true }))
    writeFileSync(
      join(knex, 'knexfile.js'),
      `module.exports = { development: { client: 'pg', connection: ${JSON.stringify(database.url)} } }\n`,
    )
    writeFileSync(
      join(knex, 'migrations', '20240101000000_create_k.js'),
      "exports.up = (knex) => knex.schema.createTable('k', (t) => { t.increments('id') })\nexports.down = (knex) => knex.schema.dropTable('k')\n",
    )
    const targets = schemas.map((schema) => ({ name: schema.replace('_', '-'), schema }))
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({
        projects: [
          { name: 'tenants', tool: 'sql', dir: 'app', url: database.url, targets },
          { name: 'knexapp', tool: 'knex', dir: 'knexapp', targets },
        ],
      }),
    )
  }, 60_000)
  afterAll(async () => {
    await database?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  it('each schema gets its own tables, ledgers and journal; public stays empty', async () => {
    const r = await run('up', '--concurrency', '4', '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(fleetJson(r).fleet.states).toEqual({ applied: 6 })
    // Made when missing, as Flyway does, and said.
    for (const schema of schemas)
      expect(r.stderr).toMatch(new RegExp(`^created schema ${schema} for postgres://.*\\(schema ${schema}\\)$`, 'm'))
    for (const schema of schemas) {
      const tables = await tablesIn(schema)
      for (const t of ['t1', 't2', 't3', 'k', 'mig_sql_migrations', 'knex_migrations', 'mig_journal']) expect(tables, schema).toContain(t)
    }
    expect(await tablesIn('public')).toEqual([])
    const status = await run('status', '--json')
    expect(fleetJson(status).fleet.states).toEqual({ clean: 6 })
  }, 120_000)
})
