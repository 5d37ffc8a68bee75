import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkNodeModules, mig, nodeCli, repoRoot, tempDir, withPlugins } from '../helpers.js'
import { fleetJson } from './support/fleet.js'

const names = Array.from({ length: 12 }, (_, i) => `k-${String(i).padStart(2, '0')}`)
const migrations = Array.from({ length: 10 }, (_, i) => `2024010100000${i}_create_k${i}.js`)

/**
 * A knex fleet: one knexfile (its SQLite file from TENANT_DB, a template
 * otherwise), 12 targets × 10 migrations. mig points the knexfile at each
 * target through OpenContext.database(); knex's own CLI, pointed at a target
 * the way a user would (TENANT_DB), is the oracle.
 */
describe('a knex fleet', () => {
  let root: string
  let env: NodeJS.ProcessEnv
  const dir = () => join(root, 'tenants')
  const file = (name: string) => join(root, 'dbs', `${name}.db`)
  const run = (...args: string[]) => mig(args, { cwd: root, env: { ...env, NODE_ENV: 'development' } })
  const knexList = async (name: string) => {
    const out = await nodeCli(join(repoRoot, 'node_modules/knex/bin/cli.js'), ['migrate:list'], {
      cwd: dir(),
      env: { TENANT_DB: file(name), NODE_ENV: 'development' },
    })
    const section = (header: RegExp) => {
      const lines = out.split('\n')
      const start = lines.findIndex((l) => header.test(l))
      if (start < 0) return []
      const end = lines.findIndex((l, i) => i > start && (!l.trim() || /^Found |^No /.test(l)))
      return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim())
    }
    return { completed: section(/Completed Migration/), pending: section(/Pending Migration/), out }
  }

  beforeAll(async () => {
    env = await withPlugins('knex')
    root = existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'mig-fleet-knex-')) : tempDir('mig-fleet-knex-')
    linkNodeModules(dir())
    mkdirSync(join(root, 'dbs'))
    mkdirSync(join(dir(), 'migrations'))
    writeFileSync(join(dir(), 'package.json'), JSON.stringify({ name: 'tenants', private: true }))
    writeFileSync(
      join(dir(), 'knexfile.js'),
      `module.exports = { development: { client: 'better-sqlite3', useNullAsDefault: true, connection: { filename: process.env.TENANT_DB || './template.db' } } }\n`,
    )
    migrations.forEach((m, i) =>
      writeFileSync(
        join(dir(), 'migrations', m),
        `exports.up = (knex) => knex.schema.createTable('k${i}', (t) => { t.increments('id') })\nexports.down = (knex) => knex.schema.dropTable('k${i}')\n`,
      ),
    )
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({
        projects: [
          { name: 'tenants', tool: 'knex', dir: 'tenants', targets: names.map((n) => ({ name: n, url: `sqlite:../dbs/${n}.db` })) },
        ],
      }),
    )
  }, 60_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('up applies to every target and never to the template; knex migrate:list agrees on each', async () => {
    const r = await run('up', '--concurrency', '8', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = fleetJson(r)
    expect(out.fleet.states).toEqual({ applied: 12 })
    for (const t of out.targets) expect(t.migrations!.map((m) => m.id)).toEqual(migrations)
    expect(existsSync(join(dir(), 'template.db'))).toBe(false)
    for (const name of [names[0]!, names.at(-1)!]) {
      const list = await knexList(name)
      expect(list.completed, list.out).toEqual(migrations)
      expect(list.pending, list.out).toEqual([])
    }
  }, 120_000)

  it('down --targets reverts one target only, as knex sees it', async () => {
    const r = await run('down', '--targets', 'k-05')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^tenants\/k-05 {2}reverted 1 /m)
    const reverted = await knexList('k-05')
    expect(reverted.completed).toEqual(migrations.slice(0, 9))
    expect(reverted.pending).toEqual(migrations.slice(9))
    expect((await knexList('k-06')).completed).toEqual(migrations)
    const status = fleetJson(await run('status', '--json'))
    expect(status.fleet.states).toEqual({ clean: 11, pending: 1 })
    expect(status.targets.find((t) => t.state === 'pending')!.target).toBe('k-05')
  }, 60_000)

  it('backup --targets: one backup per target, named after it, each a file on disk', async () => {
    const r = await run('backup', '--targets', 'k-00,k-01', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = fleetJson(r) as unknown as {
      targets: { target: string; state: string; backups: { id: string; file: string; projects: string[] }[] }[]
    }
    expect(out.targets.map((t) => [t.target, t.state])).toEqual([
      ['k-00', 'backed-up'],
      ['k-01', 'backed-up'],
    ])
    for (const t of out.targets) {
      expect(t.backups).toHaveLength(1)
      expect(t.backups[0]!.id).toMatch(new RegExp(`-tenants\\.${t.target}$`))
      expect(existsSync(join(root, '.mig', 'backups', 'tenants', t.backups[0]!.file))).toBe(true)
    }
  }, 60_000)
})
