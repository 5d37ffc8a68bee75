import { describe, expect, it } from 'vitest'
import { formatGithub, formatText, lintExitCode, toJson } from '../../../src/lint/format.js'
import type { LintReport } from '../../../src/lint/format.js'
import { loadPostgres, parsePostgres } from '../../../src/lint/parse/postgres.js'
import { tokenCheck } from '../../../src/lint/parse/tokens.js'
import { statementsOf } from '../../../src/lint/sources/sql.js'
import type { Finding } from '../../../src/lint/types.js'

const finding = (over: Partial<Finding> = {}): Finding => ({
  code: 'require-concurrent-index-creation',
  severity: 'error',
  project: 'billing',
  migration: '002_index',
  file: '/repo/billing/migrations/002_index.up.sql',
  line: 3,
  statement: 'CREATE INDEX i ON users (email)',
  message: 'blocks writes, 100%: really',
  fix: 'use CONCURRENTLY',
  parsed: true,
  ...over,
})

const report = (findings: Finding[]): LintReport => ({
  findings,
  unparsed: [],
  migrations: 2,
  notLinted: [{ project: 'jobs', tool: 'knex', reason: 'its SQL comes from `mig plan`' }],
})

describe('lint output', () => {
  it('text: grouped by project and migration, with file:line, message and fix', () => {
    const text = formatText(
      report([
        finding(),
        finding({ code: 'ban-drop-table', severity: 'warning', line: 7, parsed: false }),
        finding({ project: 'catalog', migration: '001_x', file: '/repo/catalog/migrations/001_x.up.sql', line: 1 }),
      ]),
      '/repo',
    )
    expect(text.split('\n')).toEqual(
      expect.arrayContaining([
        'billing',
        '  002_index',
        '    error   require-concurrent-index-creation  billing/migrations/002_index.up.sql:3',
        '    warning ban-drop-table  billing/migrations/002_index.up.sql:7  (token check: the statement did not parse)',
        '      fix: use CONCURRENTLY',
        'catalog',
        'jobs (knex): not linted: its SQL comes from `mig plan`',
        '2 errors, 1 warning in 2 migrations linted',
      ]),
    )
    expect(text.indexOf('catalog')).toBeGreaterThan(text.indexOf('ban-drop-table'))
  })

  it('github: one workflow annotation per finding, escaped', () => {
    const lines = formatGithub(report([finding(), finding({ severity: 'warning', file: '/repo/a,b.sql' })]), '/repo').split('\n')
    expect(lines[0]).toBe(
      '::error file=billing/migrations/002_index.up.sql,line=3,title=require-concurrent-index-creation::billing 002_index: blocks writes, 100%25: really. Fix: use CONCURRENTLY',
    )
    expect(lines[1]).toMatch(/^::warning file=a%2Cb.sql,line=3,title=/)
    expect(lines[2]).toBe('::notice title=mig lint::jobs (knex): not linted: its SQL comes from `mig plan`')
  })

  it('json and exit code: non-zero only while an error-level finding remains', () => {
    expect(toJson(report([finding({ severity: 'warning' })]))).toMatchObject({
      summary: { migrations: 2, errors: 0, warnings: 1, unparsed: 0 },
      exitCode: 0,
    })
    expect(lintExitCode([finding()])).toBe(1)
    expect(lintExitCode([])).toBe(0)
  })
})

describe('plain-SQL statements', () => {
  it('keep the line each starts on, past comments and blank lines', () => {
    const text = '-- add things\n\nCREATE TABLE a (id int);\n\n/* why */\n-- mig:ignore x\nCREATE INDEX i\n  ON a (id);\n'
    expect(statementsOf(text, 'postgres')).toEqual([
      { sql: 'CREATE TABLE a (id int)', line: 3 },
      { sql: 'CREATE INDEX i\n  ON a (id)', line: 7 },
    ])
  })
})

describe('the token check', () => {
  // The fallback must read common DDL as the real parser does.
  const statements = [
    'CREATE INDEX users_name ON users (name)',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u ON ONLY users (email)',
    'DROP INDEX CONCURRENTLY IF EXISTS a, b',
    'DROP TABLE legacy, old',
    "ALTER TABLE users ADD COLUMN age integer NOT NULL, ADD COLUMN note text DEFAULT 'x, y'",
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN age TYPE bigint, DROP COLUMN name',
    'ALTER TABLE users RENAME TO members',
    'ALTER TABLE users RENAME COLUMN name TO full_name',
    'UPDATE users SET a = (SELECT 1 WHERE true)',
    'DELETE FROM users WHERE id = 1',
    'CREATE TABLE t (id int)',
  ]
  it.each(statements)('%s', async (sql) => {
    await loadPostgres()
    const parsed = parsePostgres(sql)
    const tokens = tokenCheck(sql)
    const strip = (ops: unknown[]) => ops.map((op) => ({ ...(op as object), references: undefined, volatileDefault: undefined }))
    expect(strip(tokens.ops)).toEqual(strip(parsed.ops))
    expect(tokens.ddl).toBe(parsed.ddl)
  })
})
