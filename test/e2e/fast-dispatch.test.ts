import { rmSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Result, hasStack, mig, repoRoot, tempDir, writeSqlProject } from '../helpers.js'

// up, down and backup run through the same fast dispatcher as status
// (src/fast-status.ts): what they print and their exit codes must be oclif's.

const home = tempDir('mig-oclif-')
const root = tempDir()
afterAll(() => [home, root].forEach((d) => rmSync(d, { recursive: true, force: true })))
const env = { XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') }
writeSqlProject(root, 'app', 'sqlite:./app.db', [
  { id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' },
  { id: '002_two', up: 'CREATE TABLE two (id INTEGER);', down: 'DROP TABLE two;' },
])

const TRACE = /^mig:fast \w+ .*\n/m
// Times, durations, backup ids and checksums (a dump holds its time) differ from run to run.
const stable = (r: Result) => {
  const clean = (s: string) =>
    s
      .replace(/\d{8}-\d{6}-\d{3}/g, 'ID')
      .replace(/"sha256": "\w+"/g, '"sha256": "H"')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')
      .replace(/"durationMs": \d+/g, '"durationMs": 0')
      .replace(/\d+ ?ms\b/g, 'N ms')
  return { code: r.code, stdout: clean(r.stdout), stderr: clean(r.stderr.replace(TRACE, '')) }
}
/** Run args fast, undo its effect with `undo`, run them through oclif: the same result, and the fast one taken (or declined) as `trace`. */
async function same(args: string[], trace: RegExp, undo?: string[]): Promise<Result> {
  const fast = await mig(args, { cwd: root, env: { ...env, DEBUG: 'mig:fast' } })
  expect(TRACE.exec(fast.stderr)?.[0] ?? '', fast.stderr).toMatch(trace)
  if (undo) expect((await mig(undo, { cwd: root, env })).code).toBe(0)
  const oclif = await mig(args, { cwd: root, env: { ...env, MIG_FAST_PATH: '0' } })
  expect(stable(fast)).toEqual(stable(oclif))
  if (!args.includes('--debug')) expect(hasStack(fast.stderr)).toBe(false)
  return fast
}

describe('up, down and backup without oclif', () => {
  it('print what oclif prints, with its exit codes, and leave to it what they cannot promise', async () => {
    // The first run writes the adapter index.
    await mig(['status'], { cwd: root, env: { ...env, MIG_FAST_PATH: '0' } })
    const handled = /handled/
    expect((await same(['up', '--one'], handled, ['down'])).stdout).toContain('001_one')
    await same(['up', '--dry-run'], handled)
    await same(['up', '--json', '--no-backup'], handled, ['down'])
    await same(['up', '--one'], handled)
    await same(['down', '--json'], handled, ['up', '--one'])
    await same(['down', '--step', '1', '--lock-timeout', '0'], handled, ['up', '--one'])
    // An error once started (the workspace opens inside the command): reported as MigCommand.catch does.
    await same(['up', '--one', '--project', 'nope'], handled)
    await same(['up', '--one', '--project', 'nope', '--json'], handled)
    const backup = await same(['backup', '--json'], handled)
    expect(JSON.parse(backup.stdout).backups).toHaveLength(1)
    // oclif's own: exclusive flags, a bad integer, --help, --debug, a prompt.
    const declined = /declined/
    expect((await same(['up', '--one', '--step', '2'], declined)).code).toBe(2)
    expect((await same(['down', '--step', '0'], declined)).code).toBe(2)
    await same(['up', '--help'], declined)
    await same(['backup', '--debug', '--project', 'nope'], declined)
    expect((await same(['down', '--all'], /declined \(it would ask/)).stderr).toMatch(/needs confirmation/)
  }, 120_000)

  it('run from the bundle, and decline when tsc rewrote dist/ after it (the bundle would run older code)', async () => {
    await mig(['status'], { cwd: root, env: { ...env, MIG_FAST_PATH: '0' } })
    const trace = async () => TRACE.exec((await mig(['status'], { cwd: root, env: { ...env, DEBUG: 'mig:fast' } })).stderr)?.[0]
    expect(await trace()).toMatch(/handled/)
    const compiled = join(repoRoot, 'dist', 'fast-status.js')
    const { atime, mtime } = statSync(compiled)
    try {
      const later = new Date(statSync(join(repoRoot, 'dist', 'fast', 'fast-status.js')).mtimeMs + 60_000)
      utimesSync(compiled, later, later)
      expect(await trace()).toMatch(/declined \(dist\/fast\/ is older than dist\/: run `npm run build`\)/)
    } finally {
      utimesSync(compiled, atime, mtime)
    }
    expect(await trace()).toMatch(/handled/)
  })
})
