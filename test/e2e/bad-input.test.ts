import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, serverUrls } from '../../src/testing/index.js'
import { hasStack, mig, tempDir, writeSqlProject } from '../helpers.js'

const dialects = await availableDialects()
const roots: string[] = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))

interface Case {
  name: string
  /** Lays out the repository; returns the mig arguments. */
  setup(root: string): string[]
  exit: number
  message: RegExp
  needs?: 'postgres' | 'mysql'
  /** A line of the error's details (stderr) that must be there. */
  detail?: RegExp
  /** What the hint must say. */
  hint?: RegExp
  /** Extra environment for the mig run. */
  env?: NodeJS.ProcessEnv
  /** A successful mig run first, then a change to the repository. */
  before?: { args: string[]; then(root: string): void }
}

const ok = (root: string, url = 'sqlite:./app.db') =>
  writeSqlProject(root, 'app', url, [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' }])
const config = (root: string, text: string) => writeFileSync(join(root, 'mig.config.json'), text)
const pgUrl = (path: string, password?: string) => {
  const u = new URL(serverUrls.postgres)
  u.pathname = path
  if (password) u.password = password
  return u.toString()
}

const cases: Case[] = [
  {
    name: 'malformed JSON config',
    setup: (r) => (ok(r), config(r, '{ "projects": [ { "name": "app", } ] }'), ['status']),
    exit: 1,
    message: /^Error: mig\.config\.json is not valid JSON: mig\.config\.json:1:34: Expected double-quoted property name$/,
  },
  {
    name: 'malformed JSON config, token on a later line',
    setup: (r) => (ok(r), config(r, '{\n  "projects": [\n    { "name": "app", "tool": "sql", "dir": "app" },\n    ]\n}\n'), ['status']),
    exit: 1,
    message: /^Error: mig\.config\.json is not valid JSON: mig\.config\.json:4:5: Unexpected token '\]'$/,
  },
  {
    name: 'truncated JSON config',
    setup: (r) => (ok(r), config(r, '{\n  "projects": [\n'), ['up']),
    exit: 1,
    message: /^Error: mig\.config\.json is not valid JSON: mig\.config\.json:2:16: Unexpected end of JSON input$/,
  },
  {
    name: 'config of null',
    setup: (r) => (ok(r), config(r, 'null\n'), ['status']),
    exit: 1,
    message: /^Error: mig\.config\.json is null, not a config object$/,
  },
  {
    name: 'config of []',
    setup: (r) => (ok(r), config(r, '[]'), ['status']),
    exit: 1,
    message: /^Error: mig\.config\.json is a list, not a config object$/,
  },
  { name: 'config of [] (up)', setup: (r) => (ok(r), config(r, '[]'), ['up']), exit: 1, message: /is a list, not a config object/ },
  {
    name: 'package.json "mig": null',
    setup: (r) => (ok(r), writeFileSync(join(r, 'package.json'), '{ "name": "x", "mig": null }'), ['status']),
    exit: 1,
    message: /^Error: package\.json "mig" is null/,
  },
  {
    name: 'projects: [] (status)',
    setup: (r) => (ok(r), config(r, '{ "projects": [] }'), ['status']),
    exit: 1,
    message: /^Error: no projects found$/,
    hint: /^Hint: mig\.config\.json lists no projects/,
  },
  {
    name: 'projects: [] (up)',
    setup: (r) => (ok(r), config(r, '{ "projects": [] }'), ['up']),
    exit: 2,
    message: /^Error: no projects found$/,
    hint: /^Hint: mig\.config\.json lists no projects/,
  },
  {
    name: 'project dir outside the repository',
    setup: (r) => (
      mkdirSync(join(r, 'repo')),
      ok(r),
      config(join(r, 'repo'), '{ "projects": [ { "name": "app", "tool": "sql", "dir": "../app" } ] }'),
      ['status', '--cwd', 'repo']
    ),
    exit: 1,
    message: /has 1 problem/,
    detail: /projects\[0\]\.dir: "\.\.\/app" is outside the repository.*"outside": true/,
  },
  {
    name: '--timeout not a number',
    setup: (r) => (ok(r), ['status', '--timeout', 'soon']),
    exit: 1,
    message: /Parsing --timeout/,
    detail: /Expected an integer but received: soon/,
  },
  {
    name: 'unknown config keys',
    setup: (r) => (ok(r), config(r, '{ "projectz": [], "lock": { "timeout": 3 } }'), ['status']),
    exit: 1,
    message: /mig\.config\.json has 2 problems/,
  },
  {
    name: 'unknown tool',
    setup: (r) => (ok(r), config(r, '{ "projects": [ { "name": "app", "tool": "flyway", "dir": "app" } ] }'), ['status']),
    exit: 1,
    message: /has 1 problem/,
  },
  {
    name: 'missing project dir',
    setup: (r) => (config(r, '{ "projects": [ { "name": "app", "tool": "sql", "dir": "nope" } ] }'), ['up']),
    exit: 1,
    message: /has 1 problem/,
  },
  { name: 'wrong type in config', setup: (r) => (config(r, '{ "projects": "app" }'), ['status']), exit: 1, message: /has 1 problem/ },
  { name: 'unknown --project', setup: (r) => (ok(r), ['up', '--project', 'billing']), exit: 2, message: /unknown project "billing"/ },
  { name: 'unknown flag', setup: (r) => (ok(r), ['up', '--fast']), exit: 2, message: /Nonexistent flag: --fast/ },
  { name: '--step 0', setup: (r) => (ok(r), ['up', '--step', '0']), exit: 2, message: /step/ },
  { name: '--one with --to', setup: (r) => (ok(r), ['up', '--one', '--to', '001_one']), exit: 2, message: /cannot also be provided/ },
  {
    name: 'missing --config file',
    setup: (r) => (ok(r), ['status', '--config', 'other.json']),
    exit: 1,
    message: /config file .*other\.json does not exist/,
  },
  {
    name: '--cwd not a directory',
    setup: () => ['status', '--cwd', '/nonexistent/dir'],
    exit: 1,
    message: /--cwd \/nonexistent\/dir is not a directory/,
  },
  {
    name: 'unsupported URL scheme',
    setup: (r) => (ok(r, 'mongodb://localhost/app'), ['up']),
    exit: 1,
    message: /unsupported database URL/,
  },
  { name: 'no database URL', setup: (r) => (ok(r), rmSync(join(r, 'app', '.env')), ['up']), exit: 1, message: /app: no database URL/ },
  {
    name: 'duplicate migration versions',
    setup: (r) => (ok(r), writeFileSync(join(r, 'app', 'migrations', '001_other.up.sql'), 'SELECT 1;'), ['up']),
    exit: 1,
    message: /two migrations share version 001/,
  },
  {
    name: 'down file without up',
    setup: (r) => (ok(r), writeFileSync(join(r, 'app', 'migrations', '002_two.down.sql'), 'SELECT 1;'), ['up']),
    exit: 1,
    message: /002_two\.down\.sql has no 002_two\.up\.sql/,
  },
  {
    name: 'missing down file when reverting',
    before: { args: ['up'], then: (r) => rmSync(join(r, 'app', 'migrations', '001_one.down.sql')) },
    setup: (r) => (ok(r), ['down']),
    exit: 1,
    message: /001_one has no down migration/,
  },
  { name: 'up --to unknown id', setup: (r) => (ok(r), ['up', '--to', '999_nope']), exit: 2, message: /no migration "999_nope"/ },
  {
    name: 'failing migration names project, migration and statement',
    setup: (r) => (
      writeSqlProject(r, 'app', 'sqlite:./app.db', [
        { id: '001_bad', up: 'CREATE TABLE ok1 (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n' },
      ]),
      ['up']
    ),
    exit: 1,
    message: /app: applying 001_bad failed: .*no such table: nowhere/,
  },
  {
    name: 'failing config.ts',
    setup: (r) => (ok(r), writeFileSync(join(r, 'mig.config.ts'), 'throw new Error("boom")\nexport default {}\n'), ['status']),
    exit: 1,
    message: /mig\.config\.ts failed to load: boom/,
  },
  { name: 'down --to a pending migration', setup: (r) => (ok(r), ['down', '--to', '001_one']), exit: 2, message: /001_one is not applied/ },
  {
    name: 'unreachable host',
    setup: (r) => (ok(r, 'postgres://app:pw@127.0.0.1:1/app'), ['up']),
    exit: 1,
    message: /cannot reach postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/app \(ECONNREFUSED\)/,
  },
  {
    name: 'unreachable host in status',
    setup: (r) => (ok(r, 'mysql://app:pw@127.0.0.1:1/app'), ['status']),
    exit: 1,
    message: /app: cannot reach mysql:\/\/app:\*\*\*@127\.0\.0\.1:1\/app/,
  },
  {
    name: 'wrong password',
    needs: 'mysql',
    setup: (r) => (ok(r, 'mysql://root:wrong-password@127.0.0.1:3306/test'), ['up']),
    exit: 1,
    message: /authentication failed for user "root" on mysql:\/\/root:\*\*\*@/,
  },
  {
    name: 'backup without pg_dump on PATH',
    needs: 'postgres',
    env: { PATH: '/nonexistent' },
    setup: (r) => (ok(r, pgUrl('/postgres')), ['backup']),
    exit: 1,
    message: /pg_dump is not installed/,
  },
  {
    name: 'database does not exist',
    needs: 'postgres',
    setup: (r) => (ok(r, pgUrl('/mig_no_such_db')), ['up']),
    exit: 1,
    message: /database "mig_no_such_db" does not exist/,
  },
]

describe('bad input: one line, a hint, the right exit code, no stack trace', () => {
  it.each(cases.filter((c) => !c.needs || dialects.includes(c.needs)))('$name', async (c) => {
    const root = tempDir()
    roots.push(root)
    mkdirSync(root, { recursive: true })
    const args = c.setup(root)
    if (c.before) {
      expect((await mig(c.before.args, { cwd: root })).code).toBe(0)
      c.before.then(root)
    }
    const r = await mig(args, { cwd: root, ...(c.env ? { env: c.env } : {}) })
    expect(r.code, r.stderr).toBe(c.exit)
    const lines = r.stderr.trim().split('\n')
    const error = lines.find((l) => l.startsWith('Error: '))
    expect(error, r.stderr).toBeDefined()
    expect(error).toMatch(c.message)
    expect(
      lines.some((l) => l.startsWith('Hint: ')),
      r.stderr,
    ).toBe(true)
    if (c.detail)
      expect(
        lines.some((l) => c.detail!.test(l)),
        r.stderr,
      ).toBe(true)
    if (c.hint) expect(lines.find((l) => l.startsWith('Hint: '))).toMatch(c.hint)
    expect(hasStack(r.stderr + r.stdout)).toBe(false)
  })

  it('--json errors are one parseable object with the code, message and hint', async () => {
    const root = tempDir()
    roots.push(root)
    ok(root)
    const r = await mig(['up', '--project', 'nope', '--json'], { cwd: root })
    expect(r.code).toBe(2)
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string }; exitCode: number }
    expect(out).toMatchObject({ error: { code: 'PROJECT_UNKNOWN', hint: expect.stringContaining('app') }, exitCode: 2 })
  })

  it('--debug shows the stack trace', async () => {
    const root = tempDir()
    roots.push(root)
    ok(root, 'postgres://app:pw@127.0.0.1:1/app')
    const r = await mig(['up', '--debug'], { cwd: root })
    expect(r.code).toBe(1)
    expect(hasStack(r.stderr)).toBe(true)
  })
})
