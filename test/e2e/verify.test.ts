import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseScratchName } from '../../src/core/scratch.js'
import { scratchDriver } from '../../src/db/scratch.js'
import type { Dialect } from '../../src/db/types.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables, serverUrls } from '../../src/testing/index.js'
import { verifySchema } from '../support/schemas.js'
import { bin, linkNodeModules, mig, migSpawnOptions, repoRoot, tempDir, withPlugins } from '../helpers.js'
import { type KnexMigration, writeKnexProject } from '../../plugins/knex/test/helpers.js'

/**
 * The same four projects for each tool: `good` (reverts cleanly), `noindex`
 * (its down forgets an index its up made), `nocolumn` (its down does not
 * restore a column its up dropped) and `nodown` (no down at all). Each
 * starts with a migration creating `customers`.
 */
type Case = 'good' | 'noindex' | 'nocolumn' | 'nodown'
const cases: Case[] = ['good', 'noindex', 'nocolumn', 'nodown']

interface Step {
  id: string
  up: string
  /** undefined: no down. */
  down?: string
}

const sqlSteps = (c: Case): Step[] => [
  {
    id: '001_customers',
    up: 'CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(100), phone VARCHAR(20));\n',
    down: 'DROP TABLE customers;\n',
  },
  c === 'good'
    ? {
        id: '002_email_index',
        up: 'CREATE INDEX customers_email_index ON customers (email);\n',
        down: 'DROP INDEX customers_email_index;\n',
      }
    : c === 'noindex'
      ? {
          id: '002_email_index',
          up: 'CREATE INDEX customers_email_index ON customers (email);\nCREATE TABLE tags (id INTEGER PRIMARY KEY);\n',
          down: 'DROP TABLE tags;\n',
        }
      : c === 'nocolumn'
        ? { id: '002_drop_phone', up: 'ALTER TABLE customers DROP COLUMN phone;\n', down: 'SELECT 1;\n' }
        : { id: '002_tags', up: 'CREATE TABLE tags (id INTEGER PRIMARY KEY);\n' },
]

/** DROP INDEX needs its table on MariaDB. */
const dropIndex = (dialect: Dialect, sql: string): string =>
  dialect === 'mysql' ? sql.replace(/DROP INDEX (\w+)/, 'DROP INDEX $1 ON customers') : sql

function writeSql(root: string, name: string, dialect: Dialect): void {
  const dir = join(root, name, 'migrations')
  mkdirSync(dir, { recursive: true })
  for (const s of sqlSteps(name as Case)) {
    writeFileSync(join(dir, `${s.id}.up.sql`), s.up)
    if (s.down !== undefined) writeFileSync(join(dir, `${s.id}.down.sql`), dropIndex(dialect, s.down))
  }
}

const knexSteps = (c: Case): KnexMigration[] => [
  {
    name: '20240101000000_customers.js',
    up: "await knex.schema.createTable('customers', (t) => { t.increments('id'); t.string('email', 100); t.string('phone', 20) })",
    down: "await knex.schema.dropTable('customers')",
  },
  c === 'good'
    ? {
        name: '20240102000000_email_index.js',
        up: "await knex.schema.alterTable('customers', (t) => { t.index(['email'], 'customers_email_index') })",
        down: "await knex.schema.alterTable('customers', (t) => { t.dropIndex(['email'], 'customers_email_index') })",
      }
    : c === 'noindex'
      ? {
          name: '20240102000000_email_index.js',
          up: "await knex.schema.alterTable('customers', (t) => { t.index(['email'], 'customers_email_index') }); await knex.schema.createTable('tags', (t) => { t.increments('id') })",
          down: "await knex.schema.dropTable('tags')",
        }
      : c === 'nocolumn'
        ? {
            name: '20240102000000_drop_phone.js',
            up: "await knex.schema.alterTable('customers', (t) => { t.dropColumn('phone') })",
            down: '',
          }
        : { name: '20240102000000_tags.js', up: "await knex.schema.createTable('tags', (t) => { t.increments('id') })", down: '' },
]

function writeKnex(root: string, name: string, dialect: Dialect, database: TestDatabase): void {
  const dir = join(root, name)
  writeKnexProject(dir, dialect, database.url, { migrationsList: knexSteps(name as Case) })
  // A module with no down at all, as knex's own stub without one.
  if (name === 'nodown')
    writeFileSync(
      join(dir, 'migrations', '20240102000000_tags.js'),
      "exports.up = async (knex) => { await knex.schema.createTable('tags', (t) => { t.increments('id') }) }\n",
    )
}

/** Scratch databases made since `since` by a process that has ended: what a run that cleans up leaves none of. */
async function leftScratch(dialect: Dialect, since: number): Promise<string[]> {
  const server = parseDatabaseUrl(dialect === 'sqlite' ? 'sqlite:/tmp/x.db' : serverUrls[dialect], '/')
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  return (await (await scratchDriver(dialect)).list(server)).filter((name) => {
    const parsed = parseScratchName(name)
    return parsed !== undefined && parsed.created >= since - 1000 && !alive(parsed.pid)
  })
}

const dialects = await availableDialects()

describe.each(['sql', 'knex'] as const)('mig verify with %s', (tool) => {
  describe.each(dialects)('on %s', (dialect) => {
    let database: TestDatabase
    let root: string
    let env: NodeJS.ProcessEnv = {}
    const since = Date.now()

    beforeAll(async () => {
      if (tool === 'knex') env = await withPlugins('knex')
      database = await createTestDatabase(dialect)
      root = tempDir()
      const projects = cases.map((name) => ({ name, tool, dir: name, ...(tool === 'sql' ? { url: database.url } : {}) }))
      writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects }))
      for (const name of cases) {
        if (tool === 'sql') writeSql(root, name, dialect)
        else writeKnex(root, name, dialect, database)
      }
    })

    afterAll(async () => {
      await database?.drop()
      if (root) rmSync(root, { recursive: true, force: true })
    })

    const run = (...args: string[]) => mig(args, { cwd: root, env: { ...env, NODE_ENV: 'development' } })

    it('passes for migrations whose downs restore the schema', async () => {
      const r = await run('verify', '--project', 'good')
      expect(r.stderr).toBe('')
      expect(r.code, r.stdout).toBe(0)
      expect(r.stdout).toMatch(/good \(.*\): ok/)
      expect(r.stdout).toMatch(/customers(\.js)?: ok \(up, down, up again\)/)
      expect(r.stdout).toMatch(/email_index(\.js)?: ok \(up, down, up again\)/)
    })

    it('fails naming the migration and the difference for a down that forgets an index, does not restore a column, or is missing', async () => {
      const r = await run('verify', '--json')
      expect(r.code, r.stderr).toBe(1)
      const result = verifySchema.parse(JSON.parse(r.stdout))
      expect(result).toMatchObject({ ok: false, exitCode: 1 })
      const byName = new Map(result.projects.map((p) => [p.project, p]))
      expect(byName.get('good')!.ok).toBe(true)
      const last = (name: Case) => byName.get(name)!.migrations.at(-1)!
      expect(last('noindex')).toMatchObject({ id: expect.stringMatching(/email_index/), outcome: 'not-restored' })
      expect(last('noindex').differences).toEqual([
        expect.stringMatching(/^index customers_email_index on customers\(email\) exists after down; it did not before up/),
      ])
      expect(last('nocolumn')).toMatchObject({ id: expect.stringMatching(/drop_phone/), outcome: 'not-restored' })
      expect(last('nocolumn').differences).toEqual([
        expect.stringMatching(/^column customers\.phone is gone after down; it was there before up/),
      ])
      expect(last('nodown')).toMatchObject({ id: expect.stringMatching(/tags/), outcome: 'irreversible' })
      for (const name of ['noindex', 'nocolumn', 'nodown'] as const) expect(byName.get(name)!.ok).toBe(false)

      const text = await run('verify', '--project', 'nocolumn')
      expect(text.code).toBe(1)
      expect(text.stdout).toMatch(
        /drop_phone(\.js)?: FAILED: down does not restore the schema\n\s+- column customers\.phone is gone after down/,
      )
    })

    it('--from applies the migrations up to the id unchecked and checks the rest; an unknown id is refused', async () => {
      const first = tool === 'sql' ? '001_customers' : '20240101000000_customers.js'
      const r = await run('verify', '--project', 'noindex', '--from', first, '--json')
      expect(r.code, r.stderr).toBe(1)
      const [project] = verifySchema.parse(JSON.parse(r.stdout)).projects
      expect(project!.migrations.map((m) => [m.id, m.outcome])).toEqual([
        [first, 'applied'],
        [expect.stringMatching(/email_index/), 'not-restored'],
      ])
      const unknown = await run('verify', '--from', '999_nope')
      expect(unknown.code).toBe(1)
      expect(unknown.stderr).toMatch(/no selected project has a migration 999_nope/)
    })

    it('leaves the configured database untouched and no scratch database behind', async () => {
      expect(await listTables(await database.db())).toEqual([])
      expect(await leftScratch(dialect, since)).toEqual([])
    })
  })
})

describe('mig verify on examples/mixed-repo', () => {
  it('passes for its sql and knex projects, and leaves their databases as they were', async () => {
    const env = { ...(await withPlugins('knex')), NODE_ENV: 'development' }
    const root = tempDir()
    try {
      cpSync(join(repoRoot, 'examples', 'mixed-repo'), root, { recursive: true, filter: (src) => !/\.(db|sqlite)$/.test(src) })
      linkNodeModules(root)
      const files = () =>
        readdirSync(root, { recursive: true, encoding: 'utf8' })
          .filter((f) => !f.startsWith('node_modules'))
          .sort()
      const before = files()
      const r = await mig(['verify', '--project', 'billing', '--project', 'catalog', '--project', 'jobs', '--json'], { cwd: root, env })
      expect(r.code, r.stdout + r.stderr).toBe(0)
      const result = verifySchema.parse(JSON.parse(r.stdout))
      expect(result.projects.map((p) => [p.project, p.ok, p.migrations.length])).toEqual([
        ['billing', true, 3],
        ['catalog', true, 2],
        ['jobs', true, 2],
      ])
      expect(result.projects.flatMap((p) => p.migrations.map((m) => m.outcome)).every((o) => o === 'ok')).toBe(true)
      // No database file made where the projects' own would be: verify worked on scratch files only.
      expect(files()).toEqual(before)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  }, 120_000)
})

/** A migration that takes a while on each dialect, so verify can be stopped in the middle of it (SQLite sees the signal once its statement returns). */
const slow: Record<Dialect, string> = {
  postgres: 'SELECT pg_sleep(30);\n',
  mysql: 'SELECT SLEEP(30);\n',
  sqlite: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000000) SELECT count(*) FROM n;\n',
}

describe.each(dialects)('mig verify stopped mid-run on %s', (dialect) => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s drops its scratch database before exiting',
    async (signal) => {
      const database = await createTestDatabase(dialect)
      const root = tempDir()
      try {
        writeFileSync(
          join(root, 'mig.config.json'),
          JSON.stringify({ projects: [{ name: 'app', tool: 'sql', dir: 'app', url: database.url }] }),
        )
        mkdirSync(join(root, 'app', 'migrations'), { recursive: true })
        writeFileSync(
          join(root, 'app', 'migrations', '001_slow.up.sql'),
          `CREATE TABLE slow_t (id INTEGER);\n${slow[dialect].repeat(dialect === 'sqlite' ? 4 : 1)}`,
        )
        writeFileSync(join(root, 'app', 'migrations', '001_slow.down.sql'), 'DROP TABLE slow_t;\n')
        const since = Date.now()
        const child = spawn(process.execPath, [bin, 'verify'], migSpawnOptions({ cwd: root }))
        const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
        const server = parseDatabaseUrl(dialect === 'sqlite' ? 'sqlite:/tmp/x.db' : serverUrls[dialect], '/')
        const mine = async () => (await (await scratchDriver(dialect)).list(server)).filter((n) => parseScratchName(n)?.pid === child.pid)
        // Wait for its scratch database, then for the slow statement to be under way.
        for (let i = 0; i < 200 && !(await mine()).length; i++) await new Promise((r) => setTimeout(r, 100))
        expect(await mine()).toHaveLength(1)
        await new Promise((r) => setTimeout(r, 1500))
        child.kill(signal)
        expect(await exited).toBe(signal === 'SIGTERM' ? 143 : 130)
        expect(await mine()).toEqual([])
        expect(await leftScratch(dialect, since)).toEqual([])
      } finally {
        await database.drop()
        rmSync(root, { recursive: true, force: true })
      }
    },
    60_000,
  )
})
