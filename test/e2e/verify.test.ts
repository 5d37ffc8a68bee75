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
import { type Case, type Tool, cases, secondId, toolDialects, tools, verifyIds, writeVerifyProject } from './support/verify-projects.js'

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

/** `text` as a regular expression source, matched literally. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Cases that fail today because of a bug outside these tests, each marked
 * `it.fails` until it is fixed (the mark then fails, so it gets removed).
 */
const knownBugs: Partial<Record<`${Tool}/${Case}`, string>> = {}

/**
 * One parameterised test: every tool on every dialect it runs on, the same
 * four projects (support/verify-projects.ts) and the same assertions.
 */
describe.each(tools)('mig verify with %s', (tool) => {
  const ids = verifyIds[tool]
  describe.each(toolDialects(tool, dialects))('on %s', (dialect) => {
    let database: TestDatabase
    let root: string
    let env: NodeJS.ProcessEnv = {}
    const since = Date.now()

    beforeAll(async () => {
      if (tool !== 'sql') env = await withPlugins(tool)
      database = await createTestDatabase(dialect)
      root = tempDir()
      const projects = cases.map((name) => ({ name, tool, dir: name, ...(tool === 'sql' ? { url: database.url } : {}) }))
      writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects }))
      for (const name of cases) writeVerifyProject(tool, root, name, dialect, database)
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
      expect(r.stdout).toMatch(new RegExp(`good \\(${tool}, ${dialect}, .*\\): ok`))
      expect(r.stdout).toMatch(new RegExp(`${literal(ids.customers)}: ok \\(up, down, up again\\)`))
      expect(r.stdout).toMatch(new RegExp(`${literal(ids.index)}: ok \\(up, down, up again\\)`))
    })

    /** One `verify --json` over the four projects, shared by the cases below. */
    let all: Promise<ReturnType<typeof verifySchema.parse>> | undefined
    const verifyAll = () =>
      (all ??= run('verify', '--json').then((r) => {
        expect(r.code, r.stderr).toBe(1)
        return verifySchema.parse(JSON.parse(r.stdout))
      }))
    const project = async (name: Case) => (await verifyAll()).projects.find((p) => p.project === name)!

    it('fails as a whole when one project fails, and passes the good one', async () => {
      const result = await verifyAll()
      expect(result).toMatchObject({ ok: false, exitCode: 1 })
      expect(result.projects.map((p) => [p.project, p.tool, p.dialect, p.ok])).toEqual(
        cases.map((name) => [name, tool, dialect, name === 'good']),
      )
      expect((await project('good')).migrations.map((m) => [m.id, m.outcome])).toEqual([
        [ids.customers, 'ok'],
        [ids.index, 'ok'],
      ])
    })

    const failing: Record<Exclude<Case, 'good'>, { outcome: string; differences?: RegExp[] }> = {
      noindex: {
        outcome: 'not-restored',
        differences: [/^index customers_email_index on customers\(email\) exists after down; it did not before up/],
      },
      nocolumn: { outcome: 'not-restored', differences: [/^column customers\.phone is gone after down; it was there before up/] },
      nodown: { outcome: 'irreversible' },
    }
    for (const name of Object.keys(failing) as Exclude<Case, 'good'>[]) {
      const bug = knownBugs[`${tool}/${name}`]
      const test = bug ? it.fails : it
      test(`fails naming the migration and the difference for ${name}${bug ? ` (known bug: ${bug})` : ''}`, async () => {
        const { outcome, differences } = failing[name]
        const p = await project(name)
        expect(p.ok).toBe(false)
        expect(p.migrations.map((m) => [m.id, m.outcome])).toEqual([
          [ids.customers, 'ok'],
          [secondId(tool, name), outcome],
        ])
        expect(p.migrations.at(-1)!.differences).toEqual(differences?.map((d) => expect.stringMatching(d)))
        if (name !== 'nocolumn') return
        const text = await run('verify', '--project', 'nocolumn')
        expect(text.code).toBe(1)
        expect(text.stdout).toMatch(
          new RegExp(
            `${literal(ids.column)}: FAILED: down does not restore the schema\\n\\s+- column customers\\.phone is gone after down`,
          ),
        )
      })
    }

    it('--from applies the migrations up to the id unchecked and checks the rest; an unknown id is refused', async () => {
      const r = await run('verify', '--project', 'noindex', '--from', ids.customers, '--json')
      expect(r.code, r.stderr).toBe(1)
      const [project] = verifySchema.parse(JSON.parse(r.stdout)).projects
      expect(project!.migrations.map((m) => [m.id, m.outcome])).toEqual([
        [ids.customers, 'applied'],
        [ids.index, 'not-restored'],
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
