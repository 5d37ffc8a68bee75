import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { json, linkNodeModules, mig, tempDir, withPlugins, writeSqlProject } from '../helpers.js'
import { knexClient, knexMigrateList } from '../../plugins/knex/test/helpers.js'
import {
  createTable as prismaTable,
  migrateStatus as prismaStatus,
  prismaUrl,
  writePrismaProject,
} from '../../plugins/prisma/test/helpers.js'
import {
  migrateStatus as sequelizeStatus,
  createTable as sequelizeTable,
  writeSequelizeProject,
} from '../../plugins/sequelize/test/helpers.js'
import { createTable as typeormTable, migrationShow, writeTypeormProject } from '../../plugins/typeorm/test/helpers.js'

/**
 * The one `.env` rule, for every tool on every dialect: each project's
 * connection lives only in its own `.env` under one variable name, mig runs
 * from the repository root with nothing exported, and each project reaches
 * its own database; with the variable exported, status says so and `up`
 * refuses. The tools' own CLIs (given the variable, since they do not read
 * `.env`) are the oracle.
 */

interface ToolCase {
  tool: string
  plugin?: string
  /** The variable the project's config reads its connection from. */
  variable: string
  dialects: Dialect[]
  /** What the `.env` holds for a database. */
  value(dialect: Dialect, url: string): string
  /** A project in `dir` reading its connection from `variable` (through its `.env`), with one migration creating table `items`. */
  write(dir: string, dialect: Dialect, database: TestDatabase): void
  /** The migrations the tool's own CLI (or, without one, its ledger) says are applied, with the variable exported as `value`. */
  applied(dir: string, dialect: Dialect, value: string, database: TestDatabase): Promise<string[]>
}

/** Run a native CLI with `variable` exported: the test process's environment is what the helpers hand their child. */
async function exported<T>(variable: string, value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[variable]
  process.env[variable] = value
  try {
    return await fn()
  } finally {
    if (saved === undefined) Reflect.deleteProperty(process.env, variable)
    else process.env[variable] = saved
  }
}

const sqlitePath = (url: string) => url.slice('sqlite:'.length)
const all: Dialect[] = ['sqlite', 'postgres', 'mysql']

const cases: ToolCase[] = [
  {
    tool: 'sql',
    variable: 'DATABASE_URL',
    dialects: all,
    value: (_d, url) => url,
    write: (dir, _d, database) => {
      writeSqlProject(join(dir, '..'), dir.split('/').pop()!, database.url, [
        { id: '20240101000000_create_items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY);\n', down: 'DROP TABLE items;\n' },
      ])
    },
    applied: async (_dir, _d, _v, database) =>
      (await (await database.db()).query<{ id: string }>('SELECT id FROM mig_sql_migrations')).map((r) => r.id),
  },
  {
    tool: 'knex',
    plugin: 'knex',
    variable: 'ORDERS_DATABASE_URL',
    dialects: all,
    value: (d, url) => (d === 'sqlite' ? sqlitePath(url) : url),
    write: (dir, dialect) => {
      linkNodeModules(dir)
      mkdirSync(join(dir, 'migrations'), { recursive: true })
      const connection = dialect === 'sqlite' ? '{ filename: process.env.ORDERS_DATABASE_URL }' : 'process.env.ORDERS_DATABASE_URL'
      const env = `{ client: '${knexClient[dialect]}', connection: ${connection}, useNullAsDefault: true }`
      writeFileSync(join(dir, 'knexfile.js'), `module.exports = { development: ${env}, test: ${env} }\n`)
      writeFileSync(
        join(dir, 'migrations', '20240101000000_create_items.js'),
        "exports.up = (knex) => knex.schema.createTable('items', (t) => { t.increments('id') })\nexports.down = (knex) => knex.schema.dropTable('items')\n",
      )
    },
    applied: async (dir, _d, value) => (await exported('ORDERS_DATABASE_URL', value, () => knexMigrateList(dir))).completed,
  },
  {
    tool: 'typeorm',
    plugin: 'typeorm',
    variable: 'USERS_DATABASE_URL',
    dialects: all,
    value: (d, url) => (d === 'sqlite' ? sqlitePath(url) : url),
    write: (dir, dialect, database) => {
      writeTypeormProject(dir, dialect, database.url, [typeormTable('CreateItems1704067200000', 'items')])
      const file = join(dir, 'src', 'data-source.ts')
      const literal = JSON.stringify(dialect === 'sqlite' ? sqlitePath(database.url) : database.url)
      writeFileSync(file, readFileSync(file, 'utf8').replace(literal, 'process.env.USERS_DATABASE_URL'))
    },
    applied: async (dir, _d, value) => (await exported('USERS_DATABASE_URL', value, () => migrationShow(dir))).executed,
  },
  {
    tool: 'prisma',
    plugin: 'prisma',
    variable: 'DATABASE_URL',
    dialects: all,
    value: (d, url) => prismaUrl(d, url),
    write: (dir, dialect, database) => {
      writePrismaProject(dir, dialect, database.url, [prismaTable('20240101000000_create_items', 'items')])
    },
    // The Prisma CLI cannot run on MySQL here (the engine shim has no MySQL connector): the ledger is the judge there.
    applied: async (dir, dialect, value, database) =>
      dialect === 'mysql'
        ? (
            await (
              await database.db()
            ).query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL')
          ).map((r) => r.migration_name)
        : (await prismaStatus(dir, value)).applied,
  },
  {
    tool: 'sequelize',
    plugin: 'sequelize',
    variable: 'LEGACY_DATABASE_URL',
    dialects: all,
    value: (_d, url) => url,
    write: (dir, dialect, database) => {
      writeSequelizeProject(dir, dialect, database.url, {
        migrations: [sequelizeTable('20240101000000-create-items.js', 'items')],
        env: { use_env_variable: 'LEGACY_DATABASE_URL' },
      })
    },
    applied: async (dir, _d, value) => (await exported('LEGACY_DATABASE_URL', value, () => sequelizeStatus(dir))).up,
  },
]

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const dialects = await availableDialects()

interface StatusJson {
  projects: {
    name: string
    dir: string
    database?: { url: string }
    summary?: { applied: number; pending: number }
    env?: { overridden: string[]; shared?: { variable: string; projects: string[] }[] }
    error?: { message: string }
  }[]
  exitCode: number
}

describe.each(cases.flatMap((c) => c.dialects.filter((d) => dialects.includes(d)).map((d) => [c.tool, d, c] as const)))(
  '%s on %s: the connection only in each project’s .env',
  (_tool, dialect, c) => {
    it('each project reaches its own database from the repository root; an exported variable is reported, and up refuses to aim both at one database', async () => {
      const env = { ...(c.plugin ? await withPlugins(c.plugin) : {}), NODE_ENV: 'development' }
      const [a, b, shared] = [await createTestDatabase(dialect), await createTestDatabase(dialect), await createTestDatabase(dialect)]
      const root = tempDir()
      cleanup.push(
        () => a.drop(),
        () => b.drop(),
        () => shared.drop(),
        () => rmSync(root, { recursive: true, force: true }),
      )
      const dirA = join(root, 'services', 'svc-a')
      const dirB = join(root, 'services', 'svc-b')
      mkdirSync(dirA, { recursive: true })
      mkdirSync(dirB, { recursive: true })
      c.write(dirA, dialect, a)
      c.write(dirB, dialect, b)
      writeFileSync(join(dirA, '.env'), `${c.variable}=${c.value(dialect, a.url)}\n`)
      writeFileSync(join(dirB, '.env'), `${c.variable}=${c.value(dialect, b.url)}\n`)
      const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => mig(args, { cwd: root, env: { ...env, ...extra } })

      // Nothing exported: each project its own database.
      const before = await run(['status', '--json'])
      const status = json<StatusJson>(before)
      expect(
        status.projects.map((p) => [p.name, p.summary?.pending, p.env, p.error?.message]),
        before.stderr,
      ).toEqual([
        ['svc-a', 1, undefined, undefined],
        ['svc-b', 1, undefined, undefined],
      ])
      const up = await run(['up'])
      expect(up.code, up.stderr).toBe(0)
      for (const [dir, database] of [
        [dirA, a],
        [dirB, b],
      ] as const) {
        expect(await listTables(await database.db())).toContain('items')
        expect(await c.applied(dir, dialect, c.value(dialect, database.url), database)).toHaveLength(1)
      }

      // Exported: it wins, status says so, and up refuses to migrate one database for both.
      const exportedEnv = { [c.variable]: c.value(dialect, shared.url) }
      const warned = await run(['status', '--json'], exportedEnv)
      const sharedStatus = json<StatusJson>(warned)
      for (const p of sharedStatus.projects)
        expect(p.env, p.name).toEqual({ overridden: [c.variable], shared: [{ variable: c.variable, projects: ['svc-a', 'svc-b'] }] })
      expect(new Set(sharedStatus.projects.map((p) => p.database?.url)).size).toBe(1)
      const text = await run(['status'], exportedEnv)
      expect(text.stderr).toContain(`the exported ${c.variable} points svc-a, svc-b at one database`)
      const refused = await run(['up'], exportedEnv)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        new RegExp(`^Error: the exported ${c.variable} overrides the different values in the \\.env files of svc-a, svc-b`, 'm'),
      )
      expect(refused.stderr).toContain('--allow-shared-url')
      expect(refused.stderr.split('\n').filter((l) => l.startsWith('Error:'))).toHaveLength(1)
      expect(await listTables(await shared.db())).toEqual([])

      // One project picked: the exported value is deliberate; status notes it, nothing is shared.
      const one = json<StatusJson>(await run(['status', '--json', '--project', 'svc-a'], exportedEnv))
      expect(one.projects.map((p) => p.env)).toEqual([{ overridden: [c.variable] }])
    })
  },
)

describe('the environment name, by the same rule for every tool', () => {
  it('NODE_ENV from the project’s .env picks the knexfile environment; an exported one or --env wins', async () => {
    const env = await withPlugins('knex')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = join(root, 'jobs')
    linkNodeModules(dir)
    mkdirSync(join(dir, 'migrations'))
    const conf = (file: string) => `{ client: 'better-sqlite3', connection: { filename: '${file}' }, useNullAsDefault: true }`
    writeFileSync(
      join(dir, 'knexfile.js'),
      `module.exports = { staging: ${conf('./staging.db')}, development: ${conf('./development.db')}, test: ${conf('./test.db')} }\n`,
    )
    writeFileSync(
      join(dir, 'migrations', '20240101000000_a.js'),
      "exports.up = (k) => k.schema.createTable('a', (t) => t.increments()); exports.down = (k) => k.schema.dropTable('a')\n",
    )
    writeFileSync(join(dir, '.env'), 'NODE_ENV=staging\n')
    const database = async (args: string[], extra: NodeJS.ProcessEnv) =>
      json<StatusJson>(await mig(['status', '--json', ...args], { cwd: root, env: { ...env, ...extra } })).projects[0]!.database?.url
    expect(await database([], { NODE_ENV: undefined })).toBe('sqlite:./staging.db')
    expect(await database([], { NODE_ENV: 'test' })).toBe('sqlite:./test.db')
    expect(await database(['--env', 'development'], { NODE_ENV: 'test' })).toBe('sqlite:./development.db')
  })
})

describe('one project identity', () => {
  it('every example project has the same name and folder with and without its plugin, and an uninstalled one names the exact install command', async () => {
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const { cpSync } = await import('node:fs')
    cpSync(join(import.meta.dirname, '..', '..', 'examples', 'mixed-repo', 'services'), join(root, 'services'), {
      recursive: true,
      filter: (f) => !/\.(db|sqlite)$/.test(f),
    })
    // As in the repository, the services resolve their ORMs from a node_modules above them.
    linkNodeModules(root)
    const withAll = await withPlugins('knex', 'sequelize', 'typeorm', 'prisma')
    const plugged = json<{ projects: { name: string; tool: string; dir: string; plugin?: unknown; error?: unknown }[] }>(
      await mig(['status', '--json'], { cwd: root, env: { ...withAll, NODE_ENV: 'development' } }),
    )
    const bare = await mig(['status', '--json'], { cwd: root, env: { NODE_ENV: 'development', XDG_DATA_HOME: join(root, '.none') } })
    const unplugged = json<{ projects: { name: string; tool: string; dir: string; plugin?: { install: string } }[] }>(bare)
    const identity = (ps: { name: string; tool: string; dir: string }[]) => ps.map((p) => [p.name, p.tool, p.dir])
    expect(identity(plugged.projects)).toEqual([
      ['billing', 'sql', 'services/billing'],
      ['catalog', 'sql', 'services/catalog'],
      ['catalog-api', 'prisma', 'services/catalog-api'],
      ['jobs', 'knex', 'services/jobs'],
      ['legacy', 'sequelize', 'services/legacy'],
      ['users', 'typeorm', 'services/users'],
    ])
    expect(plugged.projects.filter((p) => p.plugin || p.error)).toEqual([])
    expect(identity(unplugged.projects)).toEqual(identity(plugged.projects))
    expect(unplugged.projects.filter((p) => p.plugin).map((p) => [p.name, p.plugin!.install])).toEqual([
      ['catalog-api', 'mig plugins install @mig/plugin-prisma'],
      ['jobs', 'mig plugins install @mig/plugin-knex'],
      ['legacy', 'mig plugins install @mig/plugin-sequelize'],
      ['users', 'mig plugins install @mig/plugin-typeorm'],
    ])
    const text = await mig(['status'], { cwd: root, env: { NODE_ENV: 'development', XDG_DATA_HOME: join(root, '.none') } })
    for (const tool of ['prisma', 'knex', 'sequelize', 'typeorm'])
      expect(text.stdout).toContain(`install the plugin to see it: mig plugins install @mig/plugin-${tool}`)
  })
})
