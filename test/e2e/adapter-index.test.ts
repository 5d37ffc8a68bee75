import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Result, hasStack, linkNodeModules, mig, oclifEnv, repoRoot, tempDir, withPlugins, writeOneSqlApp } from '../helpers.js'

// The adapter index: oclif writes what its plugin discovery found, the fast
// path (src/fast-status.ts) trusts it only while its fingerprint matches.
// Whichever path runs, the output is the same, byte for byte.

const cleanup: string[] = []
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })))

const TRACE = /^mig:fast status .*\n/m
const both = async (args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ fast: Result; oclif: Result; trace: string }> => {
  const fast = await mig(args, { cwd, env: { ...env, DEBUG: 'mig:fast' } })
  const oclif = await mig(args, { cwd, env: { ...env, MIG_FAST_PATH: '0' } })
  return { fast: { ...fast, stderr: fast.stderr.replace(TRACE, '') }, oclif, trace: TRACE.exec(fast.stderr)?.[0].trim() ?? '' }
}
const same = async (
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  trace: string | RegExp = 'mig:fast status handled',
): Promise<Result> => {
  const r = await both(args, cwd, env)
  expect(r.trace, r.fast.stderr).toMatch(trace)
  expect(r.fast).toEqual(r.oclif)
  expect(hasStack(r.fast.stderr)).toBe(false)
  return r.fast
}

describe('the adapter index', () => {
  it('lets the fast path answer for a project whose plugin is not installed, as oclif does, text and JSON', async () => {
    // Only the knex plugin: the usual state when each team installs its own.
    const env = { ...(await withPlugins('knex')), NODE_ENV: 'development' }
    const root = tempDir()
    cleanup.push(root)
    cpSync(join(repoRoot, 'examples', 'mixed-repo'), root, { recursive: true, filter: (src) => !/\.(db|sqlite)$/.test(src) })
    linkNodeModules(root)
    // The first run may find no index (a fresh data dir): oclif then writes it.
    await mig(['status'], { cwd: root, env })
    const text = await same(['status'], root, env)
    expect(text.code & 1).toBe(1)
    expect(text.stdout).toMatch(/users\s+typeorm\s+-\s+-\s+-\s+plugin not installed/)
    expect(text.stdout).toMatch(/jobs\s+knex/)
    const json = await same(['status', '--json'], root, env)
    expect(JSON.parse(json.stdout).projects).toContainEqual(
      expect.objectContaining({ name: 'users', plugin: { installed: false, install: 'mig plugins install @mig/plugin-typeorm' } }),
    )
    await same(['status', '--project', 'reviews', '--json'], root, env)

    // A config error: the fast path leaves it to oclif, whose message it is.
    writeFileSync(
      join(root, 'mig.config.json'),
      '{ "projects": [ { "name": "billing", "tool": "sql", "dir": "services/billing", "colour": "red" } ] }',
    )
    const bad = await same(['status'], root, env, /declined \(the command failed/)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/colour/)
    const badJson = await same(['status', '--json'], root, env, /declined \(the command failed/)
    expect(badJson.code).toBe(1)
  }, 120_000)

  it('is rewritten after plugins link and unlink, and not trusted once the plugin list changed by hand', async () => {
    const home = tempDir('mig-oclif-')
    const root = tempDir()
    cleanup.push(home, root)
    const env = oclifEnv(home)
    writeOneSqlApp(root)
    mkdirSync(join(root, 'fx'))
    writeFileSync(join(root, 'fx', 'migrations.json'), JSON.stringify(['20240101000000_a']))
    const index = (): string => {
      const dir = join(home, 'cache', 'mig')
      return readdirSync(dir)
        .filter((f) => f.startsWith('adapter-index-'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n')
    }

    // No index yet: oclif answers, and writes one.
    const first = await both(['status'], root, env)
    expect(first.trace).toBe('mig:fast status declined (no adapter index yet)')
    expect(first.fast).toEqual(first.oclif)
    expect(index()).not.toContain('mig-plugin-fixture')
    expect((await same(['status'], root, env)).stdout).not.toMatch(/^fx/m)

    expect((await mig(['plugins', 'link', join(repoRoot, 'test/fixtures/plugin-fixture')], { cwd: home, env })).code).toBe(0)
    expect(index()).toContain(join(repoRoot, 'test/fixtures/plugin-fixture/hook.js'))
    const linked = await same(['status'], root, env)
    expect(linked.stdout).toMatch(/^fx\s+fixture/m)

    // The plugin list edited by hand: the index no longer describes it, oclif answers and rewrites it.
    const list = join(home, 'data', 'mig', 'package.json')
    writeFileSync(list, `${readFileSync(list, 'utf8').trimEnd()}\n\n`)
    const stale = await both(['status'], root, env)
    expect(stale.trace).toMatch(/^mig:fast status declined \(adapter index stale \(.*package\.json changed\)\)$/)
    expect(stale.fast).toEqual(stale.oclif)
    await same(['status'], root, env)

    expect((await mig(['plugins', 'unlink', 'mig-plugin-fixture'], { cwd: home, env })).code).toBe(0)
    expect(index()).not.toContain('mig-plugin-fixture')
    expect((await same(['status'], root, env)).stdout).not.toMatch(/^fx/m)
  }, 120_000)

  it("leaves to oclif a listed plugin oclif could not load: the warning is oclif's", async () => {
    const home = tempDir('mig-oclif-')
    const root = tempDir()
    cleanup.push(home, root)
    const env = oclifEnv(home)
    writeOneSqlApp(root)
    const plugin = join(home, 'plugin')
    mkdirSync(plugin)
    writeFileSync(
      join(plugin, 'package.json'),
      JSON.stringify({ name: 'mig-plugin-none', version: '1.0.0', type: 'module', oclif: { hooks: { 'mig:adapters': './hook.js' } } }),
    )
    writeFileSync(join(plugin, 'hook.js'), 'export default async () => []\n')
    expect((await mig(['plugins', 'link', plugin], { cwd: home, env })).code).toBe(0)
    await same(['status'], root, env)
    writeFileSync(join(plugin, 'package.json'), '{ broken')
    await mig(['status'], { cwd: root, env: { ...env, MIG_FAST_PATH: '0' } })
    const r = await both(['status'], root, env)
    expect(r.trace).toBe('mig:fast status declined (plugin mig-plugin-none did not load)')
    // Node's warning carries the process id.
    const pidless = (x: Result) => ({ ...x, stderr: x.stderr.replace(/^\(node:\d+\)/m, '(node)') })
    expect(pidless(r.fast)).toEqual(pidless(r.oclif))
    expect(r.fast.stderr).toMatch(/SyntaxError Plugin/)
    expect(r.fast.code).toBe(2)
  }, 60_000)
})
