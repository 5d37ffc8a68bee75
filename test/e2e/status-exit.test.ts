import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Result, hasStack, mig, repoRoot, tempDir, writeSqlProject } from '../helpers.js'

// `mig status` exit code is a bitmap CI reads: 2 pending, 4 drift, 8 failed,
// 16 locked. Whenever mig cannot answer for some project the 1 bit is set, and
// a usage error is 1 too, never 2 ("pending"). Every case runs through the
// fast path and through oclif (MIG_FAST_PATH=0): both must say the same.

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const dir = (prefix?: string) => {
  const d = tempDir(prefix)
  dirs.push(d)
  return d
}

// A fresh oclif data dir: no plugin of the user's is installed.
const home = dir('mig-oclif-')
const isolated = { XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') }

/** A plain-SQL project with one pending migration on SQLite: exit bit 2 on its own. */
const pending = (root: string) =>
  writeSqlProject(root, 'app', 'sqlite:./app.db', [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' }])
const config = (root: string, text: string) => writeFileSync(join(root, 'mig.config.json'), text)

interface Case {
  name: string
  /** Lays out the repository; returns status's arguments (without --json). */
  setup(root: string): string[]
  exit: number
  /** The one error line on stderr. */
  error: RegExp
  hint: RegExp
  /** With --json: the error envelope's code, or (undefined) a status result. */
  jsonCode?: string
  env?: NodeJS.ProcessEnv
}

const cases: Case[] = [
  {
    name: 'unknown project',
    setup: (r) => (pending(r), ['status', '--project', 'nope']),
    exit: 1,
    error: /^Error: unknown project "nope"$/,
    hint: /known projects: app/,
    jsonCode: 'PROJECT_UNKNOWN',
  },
  {
    name: 'unknown flag',
    setup: (r) => (pending(r), ['status', '--bogus']),
    exit: 1,
    error: /^Error: Nonexistent flag: --bogus$/,
    hint: /mig status --help/,
    jsonCode: 'USAGE',
  },
  {
    name: 'flag without its value',
    setup: (r) => (pending(r), ['status', '--project']),
    exit: 1,
    error: /^Error: Flag --project expects a value$/,
    hint: /mig status --help/,
    jsonCode: 'USAGE',
  },
  // oclif alone would call this an unknown command "status:extra", exit 2.
  {
    name: 'unexpected argument',
    setup: (r) => (pending(r), ['status', 'extra']),
    exit: 1,
    error: /^Error: Unexpected argument: extra$/,
    hint: /mig status --help/,
    jsonCode: 'USAGE',
  },
  {
    name: '--cwd not a directory',
    setup: () => ['status', '--cwd', '/nonexistent/dir'],
    exit: 1,
    error: /is not a directory/,
    hint: /repository root/,
    jsonCode: 'CWD_MISSING',
  },
  {
    name: '--config naming no file',
    setup: (r) => (pending(r), ['status', '--config', 'other.json']),
    exit: 1,
    error: /other\.json does not exist/,
    hint: /--config/,
    jsonCode: 'CONFIG_NOT_FOUND',
  },
  {
    name: 'config is not JSON',
    setup: (r) => (pending(r), config(r, '{ "projects": [ '), ['status']),
    exit: 1,
    error: /mig\.config\.json is not valid JSON/,
    hint: /./,
    jsonCode: 'CONFIG_JSON',
  },
  {
    name: 'config of the wrong shape',
    setup: (r) => (pending(r), config(r, '{ "projects": "app" }'), ['status']),
    exit: 1,
    error: /mig\.config\.json has 1 problem/,
    hint: /./,
    jsonCode: 'CONFIG_INVALID',
  },
  {
    name: 'unreachable database, beside a project with pending migrations',
    setup: (r) => (
      pending(r),
      writeSqlProject(r, 'down', 'postgres://postgres@127.0.0.1:1/x', [{ id: '001_a', up: 'SELECT 1;' }]),
      ['status']
    ),
    exit: 1 | 2,
    error: /^Error: down: cannot reach postgres:\/\/postgres@127\.0\.0\.1:1\/x/,
    hint: /./,
  },
  {
    name: 'plugin not installed (a knexfile without the knex plugin)',
    setup: (r) => (mkdirSync(join(r, 'jobs')), writeFileSync(join(r, 'jobs', 'knexfile.js'), 'module.exports = {}\n'), ['status']),
    exit: 1,
    error: /^Error: jobs: no adapter for tool "knex": its plugin is not installed$/,
    hint: /mig plugins install @mig\/plugin-knex/,
  },
  {
    name: 'no projects',
    setup: () => ['status'],
    exit: 1,
    error: /^Error: no projects found$/,
    hint: /--cwd.*mig init/,
    jsonCode: 'NO_PROJECTS',
  },
  {
    name: 'a config listing no projects',
    setup: (r) => (config(r, '{ "projects": [] }'), ['status']),
    exit: 1,
    error: /^Error: no projects found$/,
    hint: /--cwd.*mig init/,
    jsonCode: 'NO_PROJECTS',
  },
]

/** Status through the fast path and through oclif: the same answer, returned once. */
async function status(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const fast = await mig(args, { cwd, env: { ...isolated, ...env } })
  const oclif = await mig(args, { cwd, env: { ...isolated, ...env, MIG_FAST_PATH: '0' } })
  expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({
    code: oclif.code,
    stdout: oclif.stdout,
    stderr: oclif.stderr,
  })
  return fast
}

function expectOneLineError(r: Result, error: RegExp, hint: RegExp): void {
  const lines = r.stderr.split('\n')
  const errors = lines.filter((l) => l.startsWith('Error: '))
  expect(errors, r.stderr).toHaveLength(1)
  expect(errors[0]).toMatch(error)
  const hints = lines.filter((l) => l.startsWith('Hint: '))
  expect(hints, r.stderr).toHaveLength(1)
  expect(hints[0]).toMatch(hint)
  expect(hasStack(r.stderr + r.stdout)).toBe(false)
}

describe('status exit codes: 1 whenever mig cannot answer, 2/4/8/16 only for what they mean', () => {
  it.each(cases)('$name', async (c) => {
    const root = dir()
    const args = c.setup(root)
    const text = await status(args, root, c.env)
    expect(text.code, text.stderr).toBe(c.exit)
    expectOneLineError(text, c.error, c.hint)

    // --json flags go last, after a flag that wants a value they would be taken as it.
    const jsonArgs = args.at(-1) === '--project' ? ['status', '--json', ...args.slice(1)] : [...args, '--json']
    const json = await status(jsonArgs, root, c.env)
    expect(json.code, json.stderr).toBe(c.exit)
    expect(hasStack(json.stderr)).toBe(false)
    const out = JSON.parse(json.stdout) as {
      exitCode: number
      error?: { code: string; message: string; hint?: string }
      projects?: { error?: { code: string } }[]
    }
    expect(out.exitCode).toBe(c.exit)
    if (c.jsonCode)
      expect(out.error).toMatchObject({ code: c.jsonCode, message: expect.any(String) as string, hint: expect.any(String) as string })
    else expect(out.projects!.some((p) => p.error)).toBe(true)
  })

  it('a project whose plugin is not installed keeps its install line in the table and the JSON', async () => {
    const root = dir()
    mkdirSync(join(root, 'jobs'))
    writeFileSync(join(root, 'jobs', 'knexfile.js'), 'module.exports = {}\n')
    const text = await status(['status'], root)
    expect(text.stdout).toMatch(/jobs\s+knex\s+-\s+-\s+-\s+plugin not installed/)
    expect(text.stdout).toContain('install the plugin to see it: mig plugins install @mig/plugin-knex')
    const json = JSON.parse((await status(['status', '--json'], root)).stdout) as {
      projects: { plugin?: { installed: boolean; install: string }; error?: { code: string } }[]
    }
    expect(json.projects[0]).toMatchObject({
      plugin: { installed: false, install: 'mig plugins install @mig/plugin-knex' },
      error: { code: 'PLUGIN_MISSING' },
    })
  })

  it('a plugin whose hook throws: its projects are unseen, so bit 1 joins the others', async () => {
    const pluginHome = dir('mig-oclif-')
    const env = {
      XDG_DATA_HOME: join(pluginHome, 'data'),
      XDG_CACHE_HOME: join(pluginHome, 'cache'),
      XDG_CONFIG_HOME: join(pluginHome, 'config'),
    }
    const link = await mig(['plugins', 'link', join(repoRoot, 'test/fixtures/plugin-fixture')], { cwd: pluginHome, env })
    expect(link.code, link.stderr).toBe(0)
    const root = dir()
    pending(root)
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => mig(args, { cwd: root, env: { ...env, ...extra } })

    expect((await run(['status'])).code).toBe(2)
    for (const fastPath of ['1', '0']) {
      const broken = { MIG_FIXTURE_HOOK_THROWS: '1', MIG_FAST_PATH: fastPath }
      const text = await run(['status'], broken)
      expect(text.code, text.stderr).toBe(1 | 2)
      expectOneLineError(
        text,
        /^Error: plugin mig-plugin-fixture failed to provide its adapter: fixture hook exploded$/,
        /mig plugins uninstall mig-plugin-fixture/,
      )
      const json = await run(['status', '--json'], broken)
      expect(json.code).toBe(1 | 2)
      expect((JSON.parse(json.stdout) as { exitCode: number }).exitCode).toBe(1 | 2)
    }
  })

  it('a clean repository exits 0, and the bits add up', async () => {
    const root = dir()
    pending(root)
    expect((await status(['status'], root)).code).toBe(2)
    expect((await mig(['up'], { cwd: root, env: isolated })).code).toBe(0)
    expect((await status(['status'], root)).code).toBe(0)
    writeSqlProject(root, 'down', 'postgres://postgres@127.0.0.1:1/x', [{ id: '001_a', up: 'SELECT 1;' }])
    expect((await status(['status', '--project', 'app'], root)).code).toBe(0)
    expect((await status(['status'], root)).code).toBe(1)
    // The project in error still shows which database it could not reach.
    const shown = await status(['status', '--json'], root)
    expect(JSON.parse(shown.stdout).projects.find((p: { name: string }) => p.name === 'down')).toMatchObject({
      database: { dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:1/x' },
      error: { code: 'DB_UNREACHABLE' },
    })
    expect((await status(['status'], root)).stdout).toMatch(/^down\s+sql\s+postgres:\/\/postgres@127\.0\.0\.1:1\/x\s+-\s+-\s+error/m)
  })

  it('other commands keep exit 2 for a usage error', async () => {
    const root = dir()
    pending(root)
    const bogus = await mig(['up', '--bogus'], { cwd: root, env: isolated })
    expect(bogus.code).toBe(2)
    expectOneLineError(bogus, /^Error: Nonexistent flag: --bogus$/, /mig up --help/)
    const extra = await mig(['up', 'extra'], { cwd: root, env: isolated })
    expect(extra.code).toBe(2)
    expectOneLineError(extra, /^Error: Unexpected argument: extra$/, /mig up --help/)
    const unknown = await mig(['down', '--project', 'nope', '--json'], { cwd: root, env: isolated })
    expect(unknown.code).toBe(2)
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'PROJECT_UNKNOWN' }, exitCode: 2 })
    const empty = await mig(['up'], { cwd: dir(), env: isolated })
    expect(empty.code).toBe(2)
    expectOneLineError(empty, /^Error: no projects found$/, /--cwd.*mig init/)
  })
})
