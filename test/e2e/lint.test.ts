import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import type { Dialect } from '../../src/db/types.js'
import { lintSchema } from '../support/schemas.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { type KnexMigration, writeKnexProject } from '../../plugins/knex/test/helpers.js'
import { base, ruleCases, script } from '../fixtures/lint/cases.js'
import { mig, repoRoot, tempDir, withPlugins, writeSqlProject } from '../helpers.js'

type LintJson = z.infer<typeof lintSchema>

/** The --json output, checked against its frozen schema. */
const json = (r: { stdout: string }): LintJson => lintSchema.parse(JSON.parse(r.stdout))

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const fn of cleanup) await fn()
})

/** The risky migration of the issue: a NOT NULL column without a default and a plain CREATE INDEX, on a table an earlier migration made. */
const risky = 'ALTER TABLE users ADD COLUMN score INTEGER NOT NULL;\nCREATE INDEX users_name ON users (name);\n'
const clean: Record<Dialect, string> = {
  postgres: '-- mig:no-transaction\nALTER TABLE users ADD COLUMN score INTEGER;\nCREATE INDEX CONCURRENTLY users_name ON users (name);\n',
  mysql: 'ALTER TABLE users ADD COLUMN score INTEGER, ADD INDEX users_name (name);\n',
  sqlite: 'ALTER TABLE users ADD COLUMN score INTEGER;\nCREATE INDEX users_name ON users (name);\n',
}
/** What the risky migration must be flagged for: CREATE INDEX blocks writes on PostgreSQL only (MySQL builds it online). */
const expected: Record<Dialect, string[]> = {
  postgres: ['adding-required-field', 'require-concurrent-index-creation'],
  mysql: ['adding-required-field'],
  sqlite: ['adding-required-field'],
}

async function project(dialect: Dialect, second: string): Promise<{ root: string; database: TestDatabase }> {
  const database = await createTestDatabase(dialect)
  cleanup.push(() => database.drop())
  const root = tempDir()
  cleanup.push(() => rmSync(root, { recursive: true, force: true }))
  writeSqlProject(root, 'app', database.url, [
    { id: '001_base', up: base[dialect], down: 'DROP TABLE users;\nDROP TABLE orders;\nDROP TABLE sessions;\nDROP TABLE legacy;\n' },
    { id: '002_change', up: second, down: 'SELECT 1;\n' },
  ])
  const up = await mig(['up', '--to', '001_base'], { cwd: root })
  expect(up.code, up.stderr).toBe(0)
  return { root, database }
}

describe.each(await availableDialects())('mig lint on plain SQL, %s', (dialect) => {
  it('fails a NOT NULL column without a default (and, on PostgreSQL, a plain CREATE INDEX) on an existing table, naming the codes and the migration', async () => {
    const { root } = await project(dialect, risky)
    const text = await mig(['lint'], { cwd: root })
    expect(text.code, text.stdout + text.stderr).toBe(1)
    for (const code of expected[dialect])
      expect(text.stdout).toMatch(new RegExp(`error\\s+${code}\\s+app/migrations/002_change\\.up\\.sql:\\d`))
    expect(text.stdout).toContain('002_change')
    expect(text.stdout).not.toContain('001_base')

    const result = await mig(['lint', '--json'], { cwd: root })
    expect(result.code).toBe(1)
    const body = json(result)
    expect(body.exitCode).toBe(1)
    expect(body.summary.migrations).toBe(1)
    const errors = body.findings.filter((f) => f.severity === 'error')
    expect(errors.map((f) => f.code).sort()).toEqual(expected[dialect])
    expect(errors[0]).toMatchObject({
      project: 'app',
      migration: '002_change',
      file: join(root, 'app', 'migrations', '002_change.up.sql'),
      line: 1,
      parsed: true,
      statement: 'ALTER TABLE users ADD COLUMN score INTEGER NOT NULL',
    })

    const github = await mig(['lint', '--format', 'github'], { cwd: root })
    expect(github.code).toBe(1)
    expect(github.stdout).toContain('::error file=app/migrations/002_change.up.sql,line=1,title=adding-required-field::app 002_change: ')
    if (dialect === 'postgres')
      expect(github.stdout).toContain('::error file=app/migrations/002_change.up.sql,line=2,title=require-concurrent-index-creation::')
  })

  it('passes the safe way of doing the same, and lints applied migrations only when asked', async () => {
    const { root } = await project(dialect, clean[dialect])
    const result = await mig(['lint', '--json'], { cwd: root })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json(result)).toMatchObject({ findings: [], exitCode: 0, summary: { migrations: 1, errors: 0 } })
    const all = json(await mig(['lint', '--all', '--json'], { cwd: root }))
    expect(all.summary.migrations).toBe(2)
    const from = json(await mig(['lint', '--from', '001_base', '--json'], { cwd: root }))
    expect(from.summary.migrations).toBe(1)
    const unknown = await mig(['lint', '--from', '999_nope'], { cwd: root })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--from 999_nope')
  })

  it('-- mig:ignore silences a rule for the file (in its header) or for the next statement', async () => {
    const silenced =
      '-- mig:ignore adding-required-field\n\nALTER TABLE users ADD COLUMN score INTEGER NOT NULL;\n-- mig:ignore require-concurrent-index-creation\nCREATE INDEX users_name ON users (name);\n'
    const { root } = await project(dialect, silenced)
    const result = await mig(['lint', '--json'], { cwd: root })
    expect(json(result).findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(result.code).toBe(0)
  })

  it('takes per-rule severity from mig.config.json, and refuses an unknown rule code', async () => {
    const { root } = await project(dialect, risky)
    const config = (rules: Record<string, string>) =>
      writeFileSync(
        join(root, 'mig.config.json'),
        JSON.stringify({ projects: [{ name: 'app', tool: 'sql', dir: 'app' }], lint: { rules } }),
      )
    config({ 'adding-required-field': 'warning', 'require-concurrent-index-creation': 'off' })
    const result = await mig(['lint', '--json'], { cwd: root })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const found = json(result).findings.map((f) => `${f.code}:${f.severity}`)
    expect(found).toContain('adding-required-field:warning')
    expect(found.filter((f) => f.endsWith(':error') || f.startsWith('require-concurrent-index-creation'))).toEqual([])
    config({ 'adding-required-feild': 'off' })
    const typo = await mig(['lint'], { cwd: root })
    expect(typo.code).not.toBe(0)
    expect(typo.stderr).toContain('adding-required-field')
  })

  it("each rule's fixtures through the plain-SQL path: positives flagged, negatives not", async () => {
    const cases = ruleCases.filter((c) => c.dialect === dialect)
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const database = await createTestDatabase(dialect)
    cleanup.push(() => database.drop())
    writeSqlProject(root, 'app', database.url, [
      { id: '001_base', up: base[dialect], down: 'SELECT 1;\n' },
      ...cases.flatMap((c, i) => [
        { id: `${100 + i}_positive`, up: script(c.positive, c.noTransaction?.positive), down: 'SELECT 1;\n' },
        { id: `${500 + i}_negative`, up: script(c.negative, c.noTransaction?.negative), down: 'SELECT 1;\n' },
      ]),
    ])
    const body = json(await mig(['lint', '--json'], { cwd: root }))
    expect(body.unparsed).toEqual([])
    cases.forEach((c, i) => {
      const codes = (id: string) => body.findings.filter((f) => f.migration === id).map((f) => f.code)
      expect(codes(`${100 + i}_positive`), `${c.code} positive`).toContain(c.code)
      expect(codes(`${500 + i}_negative`), `${c.code} negative`).not.toContain(c.code)
    })
  })
})

/** The fixture's statements as a knex migration runs them: knex.raw, one by one; `transaction: false` where the fixture needs it. */
const knexFixture = (name: string, statements: string[], noTransaction = false): KnexMigration => ({
  name,
  up: statements.map((sql) => `await knex.raw(${JSON.stringify(sql)})`).join('; '),
  down: '',
  ...(noTransaction ? { transaction: false } : {}),
})

describe.each(await availableDialects())('each rule through knex, %s', (dialect) => {
  it("each rule's fixtures as knex migrations: the SQL knex runs is captured on a scratch database, positives flagged, negatives not", async () => {
    const env = { ...(await withPlugins('knex')), NODE_ENV: 'development' }
    const cases = ruleCases.filter((c) => c.dialect === dialect)
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const database = await createTestDatabase(dialect)
    cleanup.push(() => database.drop())
    const baseStatements = base[dialect].split(';\n').filter((sql) => sql.trim())
    // A project per fixture (all on one database, each linted on its own scratch): fixtures never run over each other.
    const fixtures = cases.flatMap((c, i) => [
      { name: `p${i}`, statements: c.positive, noTransaction: c.noTransaction?.positive },
      { name: `n${i}`, statements: c.negative, noTransaction: c.noTransaction?.negative },
    ])
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: fixtures.map((f) => ({ name: f.name, tool: 'knex', dir: f.name })) }),
    )
    for (const f of fixtures)
      writeKnexProject(join(root, f.name), dialect, dialect === 'sqlite' ? `sqlite:${join(root, `${f.name}.db`)}` : database.url, {
        migrations: { tableName: `knex_${f.name}` },
        migrationsList: [
          knexFixture('20240101000000_base.js', baseStatements),
          knexFixture('20240102000000_change.js', f.statements, f.noTransaction),
        ],
      })
    const result = await mig(['lint', '--json'], { cwd: root, env })
    const body = json(result)
    expect(body.unparsed).toEqual([])
    cases.forEach((c, i) => {
      const codes = (project: string) =>
        body.findings.filter((f) => f.project === project && f.migration === '20240102000000_change.js').map((f) => f.code)
      expect(codes(`p${i}`), `${c.code} positive`).toContain(c.code)
      expect(codes(`n${i}`), `${c.code} negative`).not.toContain(c.code)
    })
    // Linting ran every migration on scratch databases only: the configured database has no knex ledger.
    expect((await mig(['status', '--json'], { cwd: root, env })).stdout).not.toContain('"applied": 1')
  })
})

describe('a knex migration that fails on the scratch database', () => {
  it('is linted up to its failing statement; what follows is listed as not linted, with why', async () => {
    const env = { ...(await withPlugins('knex')), NODE_ENV: 'development' }
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeKnexProject(join(root, 'app'), 'sqlite', `sqlite:${join(root, 'app.db')}`, {
      migrationsList: [
        { name: '20240101000000_users.js', up: "await knex.raw('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)')", down: '' },
        {
          name: '20240102000000_fail.js',
          up: "await knex.raw('DROP TABLE users'); await knex.raw('ALTER TABLE nope ADD COLUMN x INT')",
          down: '',
        },
        { name: '20240103000000_after.js', up: "await knex.raw('DROP TABLE orders')", down: '' },
      ],
    })
    const body = json(await mig(['lint', '--all', '--json'], { cwd: root, env }))
    expect(body.summary.migrations).toBe(2)
    expect(body.findings.map((f) => `${f.migration} ${f.code}`)).toEqual(['20240102000000_fail.js ban-drop-table'])
    expect(body.notLinted).toEqual([
      { project: 'app', tool: 'knex', reason: expect.stringContaining('20240102000000_fail.js failed on an empty scratch database') },
    ])
  })
})

/** Positive fixtures that a real database refuses, as the rule's message says it will. */
const refused: Partial<Record<Dialect, Record<string, RegExp>>> = {
  postgres: { 'concurrently-in-transaction': /cannot run inside a transaction block/, 'adding-required-field': /contains null values/ },
  sqlite: { 'adding-required-field': /Cannot add a NOT NULL column with default value NULL/ },
}

describe.each(await availableDialects())('the %s fixtures are real SQL', (dialect) => {
  it('mig up applies each fixture after the base tables; the ones a rule says fail are refused by the database', async () => {
    const cases = ruleCases.filter((c) => c.dialect === dialect)
    const root = tempDir()
    const failing = tempDir()
    cleanup.push(
      () => rmSync(root, { recursive: true, force: true }),
      () => rmSync(failing, { recursive: true, force: true }),
    )
    const expectFailure: [string, RegExp][] = []
    const databases = new Map<string, TestDatabase>()
    for (const [i, c] of cases.entries()) {
      for (const variant of ['positive', 'negative'] as const) {
        const database = await createTestDatabase(dialect)
        cleanup.push(() => database.drop())
        const error = variant === 'positive' ? refused[dialect]?.[c.code] : undefined
        const name = `${variant[0]}${i}`
        databases.set(`${c.code} ${variant}`, database)
        if (error) expectFailure.push([name, error])
        writeSqlProject(error ? failing : root, name, database.url, [
          { id: '001_base', up: base[dialect], down: 'SELECT 1;\n' },
          { id: '002_case', up: script(c[variant], c.noTransaction?.[variant]), down: 'SELECT 1;\n' },
        ])
      }
    }
    const up = await mig(['up'], { cwd: root })
    expect(up.code, up.stdout + up.stderr).toBe(0)
    if (dialect === 'mysql') {
      // As adding-required-field says: MySQL/MariaDB fill the existing row with the type's implicit default.
      const db = await databases.get('adding-required-field positive')!.db()
      expect(await db.query('SELECT score FROM users')).toEqual([{ score: 0 }])
    }
    for (const [name, error] of expectFailure) {
      const result = await mig(['up', '--project', name], { cwd: failing })
      expect(result.code, result.stdout).toBe(1)
      expect(result.stderr).toMatch(error)
    }
  })
})

describe.each((await availableDialects()).filter((d) => d !== 'sqlite'))('mig lint on a knex project, %s', (dialect) => {
  it('reads the SQL knex emits (captured on a scratch database) and fails the risky migration, naming the codes; the real database is untouched', async () => {
    const env = { ...(await withPlugins('knex')), NODE_ENV: 'development' }
    const database = await createTestDatabase(dialect)
    cleanup.push(() => database.drop())
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeKnexProject(join(root, 'app'), dialect, database.url, {
      migrationsList: [
        {
          name: '20240101000000_users.js',
          up: "await knex.schema.createTable('users', (t) => { t.increments('id'); t.string('name') })",
          down: "await knex.schema.dropTable('users')",
        },
        {
          name: '20240102000000_score.js',
          up: "await knex.schema.alterTable('users', (t) => { t.integer('score').notNullable(); t.index(['name']) })",
          down: "await knex.schema.alterTable('users', (t) => { t.dropIndex(['name']); t.dropColumn('score') })",
        },
      ],
    })
    const up = await mig(['up', '--to', '20240101000000_users.js'], { cwd: root, env })
    expect(up.code, up.stderr).toBe(0)
    const result = await mig(['lint', '--json'], { cwd: root, env })
    expect(result.code, result.stdout + result.stderr).toBe(1)
    const errors = json(result).findings.filter((f) => f.severity === 'error')
    expect(errors.map((f) => `${f.migration} ${f.code}`).sort()).toEqual(expected[dialect].map((code) => `20240102000000_score.js ${code}`))
    expect(errors[0]!.parsed).toBe(true)
    // Only the first migration is applied on the real database, and its schema has no score column.
    expect((await mig(['status', '--json'], { cwd: root, env })).stdout).toContain('"pending": 1')
  })
})

describe('mig lint on examples/mixed-repo', () => {
  it('exits 0 with every tool linted through its plugin (knex, sequelize, TypeORM, Prisma: SQL captured on a scratch database)', async () => {
    const root = join(repoRoot, 'bench', '.work', `lint-mixed-${process.pid}`)
    rmSync(root, { recursive: true, force: true })
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    cpSync(join(repoRoot, 'examples', 'mixed-repo'), root, { recursive: true, filter: (src) => !/\.(db|sqlite)$/.test(src) })
    const env = { ...(await withPlugins('knex', 'sequelize', 'typeorm', 'prisma')), NODE_ENV: 'development' }
    const result = await mig(['lint', '--json'], { cwd: root, env })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const body = json(result)
    expect(body.notLinted).toEqual([])
    expect(body.summary).toMatchObject({ migrations: 13, errors: 0 })
    // Nothing was written: no database file appeared.
    expect(readdirSync(join(root, 'services', 'jobs')).filter((f) => f.endsWith('.db'))).toEqual([])
  })

  it('lists the projects whose plugin is not installed as not linted, with the install command', async () => {
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    cpSync(join(repoRoot, 'examples', 'mixed-repo'), root, { recursive: true, filter: (src) => !/\.(db|sqlite)$/.test(src) })
    const result = await mig(['lint'], { cwd: root, env: { NODE_ENV: 'development' } })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(result.stdout).toMatch(/0 errors, \d+ warnings? in 5 migrations linted/)
    for (const [name, tool] of [
      ['jobs', 'knex'],
      ['legacy', 'sequelize'],
      ['users', 'typeorm'],
      ['reviews', 'prisma'],
    ]) {
      expect(result.stdout).toContain(`${name} (${tool}): not linted: its plugin is not installed (mig plugins install`)
    }
  })
})

describe('parsers load lazily', () => {
  it('only mig lint loads a parser, and only the one for the dialects it meets', async () => {
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'app', 'sqlite:./app.db', [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);\n', down: 'DROP TABLE one;\n' }])
    const loaded = async (args: string[]) => {
      const trace = join(root, `trace-${args.join('-')}.txt`)
      const r = await mig(args, {
        cwd: root,
        env: { MIG_TRACE_FILE: trace },
        nodeArgs: ['--import', join(repoRoot, 'test/fixtures/trace-loads.mjs')],
      })
      expect(r.code, r.stderr).toBeLessThan(3)
      return readFileSync(trace, 'utf8')
    }
    const lint = await loaded(['lint'])
    expect(lint).toMatch(/node-sql-parser\/build\/sqlite\.js/)
    expect(lint).not.toMatch(/libpg-query|node-sql-parser\/build\/mysql/)
    for (const args of [['status'], ['up'], ['--help']]) expect(await loaded(args)).not.toMatch(/libpg-query|node-sql-parser/)
  })
})
