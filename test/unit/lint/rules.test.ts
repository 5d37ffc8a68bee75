import { describe, expect, it } from 'vitest'
import type { Dialect } from '../../../src/db/types.js'
import { lint } from '../../../src/lint/engine.js'
import { rules } from '../../../src/lint/rules/index.js'
import type { LintMigration } from '../../../src/lint/types.js'
import { ruleCases } from '../../fixtures/lint/cases.js'

const migration = (dialect: Dialect, statements: string[], extra: Partial<LintMigration> = {}): LintMigration => ({
  project: 'app',
  tool: 'sql',
  id: '002_change',
  dialect,
  transactional: dialect !== 'mysql',
  reversible: true,
  statements: statements.map((sql, i) => ({ sql, line: i + 1 })),
  ...extra,
})

const codes = async (m: LintMigration, config = {}) => (await lint([m], config)).findings.map((f) => f.code)

describe('each rule: positive and negative fixture', () => {
  it('every rule has fixtures', () => {
    const covered = new Set(['missing-down', ...ruleCases.map((c) => c.code)])
    expect(rules.map((r) => r.code).filter((code) => !covered.has(code))).toEqual([])
  })

  it.each(ruleCases.map((c) => [c.code, c.dialect, c] as const))('%s on %s', async (code, dialect, c) => {
    const positive = await lint([migration(dialect, c.positive, c.noTransaction?.positive ? { transactional: false } : {})])
    const hit = positive.findings.find((f) => f.code === code)
    expect(hit, `${code} should flag: ${c.positive.join('; ')}`).toBeDefined()
    expect(hit).toMatchObject({
      project: 'app',
      migration: '002_change',
      parsed: true,
      severity: rules.find((r) => r.code === code)!.severity,
    })
    expect(hit!.line).toBeGreaterThan(0)
    expect(hit!.message.length).toBeGreaterThan(20)
    expect(hit!.fix.length).toBeGreaterThan(10)
    expect(positive.unparsed).toEqual([])
    const negative = await lint([migration(dialect, c.negative, c.noTransaction?.negative ? { transactional: false } : {})])
    expect(negative.findings.map((f) => f.code)).not.toContain(code)
  })

  it('missing-down: a migration without a down is an error; one with a down is not', async () => {
    for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
      expect(await codes(migration(dialect, ['SELECT 1'], { reversible: false }))).toEqual(['missing-down'])
      expect(await codes(migration(dialect, ['SELECT 1']))).toEqual([])
    }
  })

  it('rules of one dialect stay out of the others', async () => {
    expect(await codes(migration('mysql', ['CREATE INDEX users_name ON users (name)']))).toEqual([])
    expect(await codes(migration('sqlite', ['CREATE INDEX users_name ON users (name)']))).toEqual([])
    expect(await codes(migration('postgres', ['ALTER TABLE users ADD COLUMN a int', 'ALTER TABLE users ADD COLUMN b int']))).toEqual([])
  })

  it('tables created in the same migration are exempt from the lock rules', async () => {
    const statements = [
      'CREATE TABLE tags (id serial PRIMARY KEY, label text)',
      'ALTER TABLE tags ADD COLUMN slug text NOT NULL',
      'CREATE INDEX tags_label ON tags (label)',
      'ALTER TABLE tags ALTER COLUMN label SET NOT NULL',
      'ALTER TABLE tags ADD CONSTRAINT tags_slug UNIQUE (slug)',
    ]
    expect(await codes(migration('postgres', statements))).toEqual([])
  })

  it("says concurrently-in-transaction's fix in the tool's own way", async () => {
    const fix = async (tool: string) =>
      (await lint([migration('postgres', ['CREATE INDEX CONCURRENTLY i ON users (name)'], { tool })])).findings.find(
        (f) => f.code === 'concurrently-in-transaction',
      )!.fix
    expect(await fix('sql')).toContain('-- mig:no-transaction')
    expect(await fix('knex')).toContain('transaction: false')
    expect(await fix('typeorm')).toContain('transaction = false')
    expect(await fix('sequelize')).toContain('queryInterface.sequelize.transaction')
    expect(await fix('prisma')).toContain('mig resolve')
  })

  it('sees a rebuild the way Sequelize does it on SQLite (backup table, drop, create, copy back)', async () => {
    // What sequelize 6 runs for queryInterface.renameColumn on SQLite.
    const statements = [
      'CREATE TABLE IF NOT EXISTS `accounts_backup` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `full_name` VARCHAR(255), `createdAt` DATETIME NOT NULL)',
      'INSERT INTO `accounts_backup` SELECT `id`, `name`, `createdAt` FROM `accounts`',
      'DROP TABLE `accounts`',
      'CREATE TABLE IF NOT EXISTS `accounts` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `full_name` VARCHAR(255), `createdAt` DATETIME NOT NULL)',
      'INSERT INTO `accounts` SELECT `id`, `full_name`, `createdAt` FROM `accounts_backup`',
      'DROP TABLE `accounts_backup`',
    ]
    const { findings, unparsed } = await lint([migration('sqlite', statements, { tool: 'sequelize' })])
    expect(unparsed).toEqual([])
    expect(findings.map((f) => [f.code, f.line])).toEqual([['sqlite-table-rebuild', 3]])
    expect(findings[0]!.message).toContain('does not create them again')
  })

  it("sees knex's SQLite rebuild, and that it creates indexes again", async () => {
    const statements = [
      'CREATE TABLE `_knex_temp_alter111` (`id` integer not null primary key autoincrement, `email` varchar(255) NOT NULL)',
      'INSERT INTO "_knex_temp_alter111" SELECT * FROM "users"',
      'DROP TABLE "users"',
      'ALTER TABLE "_knex_temp_alter111" RENAME TO "users"',
      'CREATE INDEX `users_email_index` on `users` (`email`)',
    ]
    const { findings } = await lint([migration('sqlite', statements, { tool: 'knex' })])
    expect(findings.map((f) => f.code)).toEqual(['sqlite-table-rebuild'])
    expect(findings[0]!.message).toContain('creates indexes on it again')
  })
})

describe('silencing and severity', () => {
  const source = (text: string) => ({ source: text, file: '/repo/migrations/002_change.up.sql' })

  it('-- mig:ignore before a statement silences that statement only', async () => {
    const text = 'CREATE INDEX a ON users (name);\n-- mig:ignore require-concurrent-index-creation\nCREATE INDEX b ON users (email);\n'
    const m = migration('postgres', ['CREATE INDEX a ON users (name)', 'CREATE INDEX b ON users (email)'], {
      ...source(text),
      statements: [
        { sql: 'CREATE INDEX a ON users (name)', line: 1 },
        { sql: 'CREATE INDEX b ON users (email)', line: 3 },
      ],
    })
    expect((await lint([m])).findings.map((f) => [f.code, f.line])).toEqual([['require-concurrent-index-creation', 1]])
  })

  it('-- mig:ignore in the header (a blank line before the first statement) silences the whole file, missing-down too', async () => {
    const text =
      '-- mig:ignore require-concurrent-index-creation, missing-down\n\nCREATE INDEX a ON users (name);\nCREATE INDEX b ON users (email);\n'
    const m = migration('postgres', [], {
      ...source(text),
      reversible: false,
      statements: [
        { sql: 'CREATE INDEX a ON users (name)', line: 3 },
        { sql: 'CREATE INDEX b ON users (email)', line: 4 },
      ],
    })
    expect(await codes(m)).toEqual([])
  })

  it('// mig:ignore in a JS/TS migration silences the whole migration', async () => {
    const m = migration('postgres', ['CREATE INDEX a ON users (name)', 'DROP TABLE legacy'], {
      tool: 'knex',
      file: '/repo/migrations/20240101_x.js',
      source: '// mig:ignore require-concurrent-index-creation\nexports.up = (knex) => knex.raw("…")\n',
    })
    expect(await codes(m)).toEqual(['ban-drop-table'])
  })

  it("config sets a rule's severity or turns it off", async () => {
    const m = migration('postgres', ['DROP TABLE legacy', 'ALTER TABLE users RENAME COLUMN name TO full_name'])
    const { findings } = await lint([m], { rules: { 'ban-drop-table': 'error', 'renaming-column': 'off' } })
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['ban-drop-table', 'error']])
  })
})

describe('a statement the parser refuses', () => {
  it('is checked by tokens, and the finding and the report say so', async () => {
    const { findings, unparsed } = await lint([migration('postgres', ['CREATE INDEX users_name ON users (name', 'SELECT 1'])])
    expect(findings).toEqual([expect.objectContaining({ code: 'require-concurrent-index-creation', parsed: false, line: 1 })])
    expect(unparsed).toEqual([
      expect.objectContaining({
        line: 1,
        statement: 'CREATE INDEX users_name ON users (name',
        error: expect.stringContaining('syntax error'),
      }),
    ])
  })

  it('on SQLite and MySQL too', async () => {
    const sqlite = await lint([migration('sqlite', ['DROP INDEX users_email', 'PRAGMA foreign_keys = OFF'])])
    expect(sqlite.unparsed.map((u) => u.line)).toEqual([1, 2])
    const mysql = await lint([migration('mysql', ['ALTER TABLE users ADD COLUMN score INT NOT NULL AFTER oops oops'])])
    expect(mysql.findings).toEqual([expect.objectContaining({ code: 'adding-required-field', parsed: false })])
  })
})
