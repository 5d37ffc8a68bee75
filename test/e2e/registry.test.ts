import Database from 'better-sqlite3'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { oclifEnv, repoRoot, tempDir } from '../helpers.js'
import { type LocalRegistry, type Run, localPrebuilds, run, shellEnv, startRegistry } from '../support/registry.js'

// mig and its plugins as a user gets them: published to a registry (verdaccio on
// 127.0.0.1), `npm install --save-dev mig` in a fresh repository, plugins
// installed by name into a fresh oclif data dir, then `mig status`. Knex (by its
// short name) and Prisma (by the command the "plugin not installed" hint prints)
// run by default (1–2 minutes); MIG_TEST_REGISTRY_ALL=1 adds TypeORM and
// Sequelize, whose installs more than double that. Native addons come from the
// repository's own builds (localPrebuilds); MIG_TEST_REGISTRY_COMPILE=1 has npm
// compile them instead, as on a machine without prebuilt binaries (minutes more).
const all = process.env.MIG_TEST_REGISTRY_ALL === '1'
const plugins = ['knex', 'typeorm', 'sequelize', 'prisma']
const mixed = join(repoRoot, 'examples', 'mixed-repo', 'services')
const projects = [
  { name: 'jobs', tool: 'knex', dir: 'services/jobs', from: 'jobs' },
  { name: 'reviews', tool: 'prisma', dir: 'services/catalog-api', from: 'catalog-api' },
  ...(all
    ? [
        { name: 'users', tool: 'typeorm', dir: 'services/users', from: 'users' },
        { name: 'legacy', tool: 'sequelize', dir: 'services/legacy', from: 'legacy' },
      ]
    : []),
]
// What the repository itself depends on: mig, and the ORMs (and drivers) its services already use.
const ormPackages = all ? ['knex@3', 'typeorm@1', 'reflect-metadata', 'typescript@5', 'sequelize@6', 'sqlite3@5'] : ['knex@3']

// Where each example service's tool records what it applied, and what that is after `mig up`.
const ledgers: Record<string, { file: string; query: string; applied: string[] }> = {
  prisma: {
    file: 'reviews.db',
    query: 'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1',
    applied: ['20240115100000_create_reviews', '20240310090000_add_review_body'],
  },
  typeorm: {
    file: 'users.sqlite',
    query: 'SELECT name FROM migrations ORDER BY timestamp',
    applied: ['CreateProfile1704450000000', 'AddProfileDisplayName1710000000000'],
  },
  sequelize: {
    file: 'legacy.sqlite',
    query: 'SELECT name FROM SequelizeMeta ORDER BY name',
    applied: ['20240102080000-create-accounts.js', '20240401120000-add-account-locked.js'],
  },
}

const root = tempDir('mig-registry-')
const app = join(root, 'app')
const home = join(root, 'home')
let registry: LocalRegistry | undefined
let env: NodeJS.ProcessEnv = {}
afterAll(async () => {
  await registry?.stop()
  rmSync(root, { recursive: true, force: true })
})

const npx = (args: string[], timeoutMs = 60_000): Promise<Run> => run('npx', args, { cwd: app, env, timeoutMs })
const show = (r: Run): string => `exit ${r.code} after ${r.ms} ms\n${r.stdout}\n${r.stderr}`

interface StatusJson {
  projects: {
    name: string
    tool: string
    plugin?: { installed: boolean; install: string }
    summary?: { applied: number; pending: number }
    migrations?: { id: string; state: string }[]
  }[]
}
const status = async (): Promise<{ run: Run; json: StatusJson }> => {
  const r = await npx(['mig', 'status', '--json'])
  try {
    return { run: r, json: JSON.parse(r.stdout) as StatusJson }
  } catch {
    throw new Error(`mig status --json printed no JSON: ${show(r)}`)
  }
}
const project = (s: StatusJson, name: string) => s.projects.find((p) => p.name === name)!

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist', 'index.js')) || !existsSync(join(repoRoot, 'plugins', 'knex', 'dist', 'index.js')))
    throw new Error('the registry test publishes the built tree: run `npm run build` first')
  const upstream = (await run('npm', ['config', 'get', 'registry'], { cwd: root, env: shellEnv({}), timeoutMs: 30_000 })).stdout.trim()
  registry = await startRegistry(join(root, 'registry'), upstream)
  const published = await Promise.all([repoRoot, ...plugins.map((p) => join(repoRoot, 'plugins', p))].map((dir) => registry!.publish(dir)))
  for (const r of published) expect(r.code, show(r)).toBe(0)

  const prebuilds =
    process.env.MIG_TEST_REGISTRY_COMPILE === '1'
      ? {}
      : await localPrebuilds(join(root, 'prebuilds'), join(repoRoot, 'node_modules'), {
          'better-sqlite3': 'better_sqlite3.node',
          sqlite3: 'node_sqlite3.node',
        })
  // Only the registry differs from the user's own npm setup; oclif's data dir is fresh, so no plugin of the user's is seen.
  env = shellEnv({
    npm_config_registry: registry.url,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    ...oclifEnv(home),
    ...prebuilds,
  })

  mkdirSync(app, { recursive: true })
  for (const p of projects)
    cpSync(join(mixed, p.from), join(app, p.dir), { recursive: true, filter: (src) => !/\.(db|sqlite)(-journal|-wal|-shm)?$/.test(src) })
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }, null, 2))
  writeFileSync(join(app, 'mig.config.json'), JSON.stringify({ projects: projects.map(({ name, tool, dir }) => ({ name, tool, dir })) }))
}, 120_000)

describe('mig and its plugins from a registry, installed by name', () => {
  it('npm install --save-dev mig takes mig from the registry, with its bin', async () => {
    const r = await run('npm', ['install', '--save-dev', 'mig', ...ormPackages], { cwd: app, env, timeoutMs: 420_000 })
    expect(r.code, show(r)).toBe(0)
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'mig', 'package.json'), 'utf8')) as {
      version: string
      oclif: { scope?: string }
    }
    // npm's public `mig` is another project; the registry proxies no `mig`, so this one is the one just published.
    expect(installed).toMatchObject({ version: '0.1.0', oclif: { scope: 'mig' } })
    expect(existsSync(join(app, 'node_modules', '.bin', 'mig'))).toBe(true)
  }, 450_000)

  it('before any plugin, status lists the projects with the command that installs each plugin', async () => {
    const { run: r, json } = await status()
    expect(r.code & 1, show(r)).toBe(1)
    for (const p of projects)
      expect(project(json, p.name), p.name).toMatchObject({
        tool: p.tool,
        plugin: { installed: false, install: `mig plugins install @mig/plugin-${p.tool}` },
      })
  })

  it('`mig plugins install knex` resolves @mig/plugin-knex through oclif.scope, into the oclif data dir only', async () => {
    const names = projects.map((p) => p.tool).filter((t) => t !== 'prisma')
    const r = await npx(['mig', 'plugins', 'install', ...names], 240_000)
    expect(r.code, show(r)).toBe(0)
    const listed = JSON.parse((await npx(['mig', 'plugins', '--json'])).stdout) as { name: string; version: string; type: string }[]
    for (const tool of names)
      expect(listed).toContainEqual(expect.objectContaining({ name: `@mig/plugin-${tool}`, version: '0.1.0', type: 'user' }))
    const dataModules = join(home, 'data', 'mig', 'node_modules')
    expect(existsSync(join(dataModules, '@mig', 'plugin-knex', 'dist', 'hooks', 'adapters.js'))).toBe(true)
    // mig and the ORM are optional peers: the plugin uses the user's, npm pulls no second copy into the data dir.
    expect(existsSync(join(dataModules, 'mig'))).toBe(false)
    expect(existsSync(join(dataModules, 'knex'))).toBe(false)
  }, 250_000)

  it('the command the "plugin not installed" hint prints installs the plugin as printed', async () => {
    const { json } = await status()
    const hint = project(json, 'reviews').plugin!.install
    expect(hint).toBe('mig plugins install @mig/plugin-prisma')
    const r = await npx(hint.split(' '), 120_000)
    expect(r.code, show(r)).toBe(0)
  }, 150_000)

  it('mig status shows every project’s migrations; up applies them and the tools’ own ledgers agree', async () => {
    const before = await status()
    expect(before.run.code, show(before.run)).toBe(2)
    expect(project(before.json, 'jobs')).toMatchObject({
      summary: { applied: 0, pending: 2 },
      migrations: [
        { id: '20240108100000_create_jobs.js', state: 'pending' },
        { id: '20240305160000_add_job_attempts.js', state: 'pending' },
      ],
    })
    for (const p of projects) expect(project(before.json, p.name).summary, p.name).toMatchObject({ applied: 0, pending: 2 })
    const text = await npx(['mig', 'status'])
    expect(text.stdout).toMatch(/jobs\s+knex\s+\S+\s+0\s+2\s+2 pending/)

    const up = await npx(['mig', 'up'], 120_000)
    expect(up.code, show(up)).toBe(0)
    const after = await status()
    expect(after.run.code, show(after.run)).toBe(0)
    for (const p of projects) expect(project(after.json, p.name).summary, p.name).toMatchObject({ applied: 2, pending: 0 })

    // knex's own CLI, from the repository's own knex, reads the same ledger.
    const jobs = join(app, 'services', 'jobs')
    const list = await run('npx', ['knex', 'migrate:list'], {
      cwd: jobs,
      env: { ...env, JOBS_DATABASE_FILE: './jobs.db' },
      timeoutMs: 60_000,
    })
    expect(list.code, show(list)).toBe(0)
    expect(list.stdout).toMatch(/Found 2 Completed Migration file\/files/)
    expect(list.stdout).toMatch(/No Pending Migration files Found/)
    // The other tools' ledgers, read straight from their tables: applied as each tool records it.
    for (const p of projects.filter((p) => p.tool !== 'knex')) {
      const { file, query } = ledgers[p.tool]!
      const db = new Database(join(app, p.dir, file), { readonly: true })
      try {
        expect(db.prepare(query).pluck().all(), p.name).toEqual(ledgers[p.tool]!.applied)
      } finally {
        db.close()
      }
    }
  }, 300_000)
})
