import { appendFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { type Result, hasStack, mig, tempDir, writeSqlProject } from '../helpers.js'

// `mig status --format github`: GitHub Actions workflow annotations, the same from the fast path and from oclif.

const dialects = await availableDialects()
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const TRACE = /^mig:fast status .*\n/m
/** Both ways in: the fast dispatcher (it must handle --format) and oclif; their output must agree byte for byte. */
async function status(args: string[], cwd: string): Promise<Result> {
  const fast = await mig(['status', ...args], { cwd, env: { DEBUG: 'mig:fast' } })
  const oclif = await mig(['status', ...args], { cwd, env: { MIG_FAST_PATH: '0' } })
  expect(TRACE.exec(fast.stderr)?.[0].trim()).toBe('mig:fast status handled')
  const stripped = { ...fast, stderr: fast.stderr.replace(TRACE, '') }
  expect(stripped).toEqual(oclif)
  return oclif
}

describe('status --format github', () => {
  it('one annotation per pending, drifted, missing migration and ignored file, on its file; nothing when clean', async () => {
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const migrations = join(root, 'app', 'migrations')
    writeSqlProject(root, 'app', 'sqlite:./app.db', [
      { id: '001_a', up: 'CREATE TABLE a (x int);\n', down: 'DROP TABLE a;\n' },
      { id: '002_b', up: 'CREATE TABLE b (x int);\n', down: 'DROP TABLE b;\n' },
    ])
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    const clean = await status(['--format', 'github'], root)
    expect(clean).toEqual({ code: 0, stdout: '', stderr: '' })

    appendFileSync(join(migrations, '001_a.up.sql'), '-- edited\n')
    rmSync(join(migrations, '002_b.up.sql'))
    rmSync(join(migrations, '002_b.down.sql'))
    writeFileSync(join(migrations, '003_c.up.sql'), 'CREATE TABLE c (x int);\n')
    writeFileSync(join(migrations, 'notes.sql'), '-- not a migration\n')
    const r = await status(['--format', 'github'], root)
    expect(r.code).toBe(2 | 4)
    expect(r.stdout.split('\n')).toEqual([
      '::error file=app/migrations/001_a.up.sql,title=Drift::app: 001_a was edited after it was applied; restore the applied version, or add a new migration for the change',
      '::error title=Missing migration::app: 002_b is applied, but its files are gone',
      '::warning file=app/migrations/003_c.up.sql,title=Pending migration::app: 003_c is not applied; `mig up --project app` applies it',
      '::warning file=app/migrations/notes.sql,title=Ignored file::app: migrations/notes.sql is not run: its name breaks the naming rule',
      '',
    ])
    // From another directory, paths stay relative to the repository root, as Actions reads them.
    const elsewhere = await status(['--format', 'github', '--cwd', root, '--project', 'app'], tempDir())
    expect(elsewhere.stdout).toBe(r.stdout)

    // --format json is --json; --json wins over --format github.
    const asJson = await status(['--json'], root)
    expect(await status(['--format', 'json'], root)).toEqual(asJson)
    expect(await status(['--json', '--format', 'github'], root)).toEqual(asJson)
    expect(JSON.parse(asJson.stdout).projects[0].migrations[0]).not.toHaveProperty('file')
  })

  it('a project mig cannot answer for is an error annotation, and an unknown format a usage error (1 for status)', async () => {
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'app', 'postgres://app:secret@127.0.0.1:1/app', [{ id: '001_a', up: 'SELECT 1;\n' }])
    const r = await status(['--format', 'github'], root)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe(
      '::error title=mig status::app: cannot reach postgres://app:***@127.0.0.1:1/app (ECONNREFUSED). Hint: is the server running, and are the host and port right?\n',
    )
    const bad = await mig(['status', '--format', 'xml'], { cwd: root, env: { DEBUG: 'mig:fast' } })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('mig:fast status declined (flags it does not handle)\n')
    expect(bad.stderr).toContain('Error: Expected --format=xml to be one of: text, json, github\nHint: see `mig status --help`\n')
    expect(hasStack(bad.stderr)).toBe(false)
  })

  it.skipIf(!dialects.includes('mysql'))('a migration that failed partway on MariaDB is an error annotation on its file', async () => {
    const database = await createTestDatabase('mysql')
    cleanup.push(() => database.drop())
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'app', database.url, [{ id: '001_a', up: 'CREATE TABLE a (x int);\nSELECT * FROM no_such_table;\n' }])
    expect((await mig(['up'], { cwd: root })).code).toBe(1)
    const r = await status(['--format', 'github'], root)
    expect(r.code).toBe(8)
    expect(r.stdout).toMatch(
      /^::error file=app\/migrations\/001_a\.up\.sql,title=Failed migration::app: 001_a failed partway \(.*no_such_table.*\); finish or undo it by hand, then `mig resolve 001_a --applied` or `--rolled-back`\n$/,
    )
  })
})
