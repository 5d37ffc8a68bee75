import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseFlags } from '../../src/fast-status.js'
import { type Result, hasStack, linkNodeModules, mig, oclifEnv, repoRoot, tempDir, withPlugins, writeOneSqlApp } from '../helpers.js'

// `mig status` runs without oclif in its plain form (src/fast-status.ts). Its
// output must be exactly what the oclif command prints, and everything it does
// not handle must reach oclif untouched.

const cleanup: string[] = []
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })))

const TRACE = /^mig:fast status .*\n/m
const both = async (args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ fast: Result; oclif: Result; trace: string }> => {
  const fast = await mig(args, { cwd, env: { ...env, DEBUG: 'mig:fast' } })
  const oclif = await mig(args, { cwd, env: { ...env, MIG_FAST_PATH: '0' } })
  return { fast: { ...fast, stderr: fast.stderr.replace(TRACE, '') }, oclif, trace: TRACE.exec(fast.stderr)?.[0].trim() ?? '' }
}

describe('status without oclif', () => {
  it("parses status's flags from oclif's manifest, and leaves to oclif what it cannot promise oclif's answer for", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, Parameters<typeof parseFlags>[0]>
    }
    const status = manifest.commands.status
    expect(
      parseFlags(status, ['-p', 'a', '--project=b', '--json', '--timeout', '5', '--env', 'ci', '--config', 'm.json', '--cwd', '/r']),
    ).toEqual({
      project: ['a', 'b'],
      json: true,
      timeout: 5,
      env: 'ci',
      config: 'm.json',
      cwd: '/r',
    })
    expect(parseFlags(status, [])).toEqual({})
    for (const argv of [
      ['--debug'],
      ['--bogus'],
      ['--help'],
      ['-h'],
      ['--timeout', '0'],
      ['--timeout', '1.5'],
      ['--env', 'a', '--env', 'b'],
      ['--env', '--json'],
      ['extra'],
      ['--no-json'],
    ]) {
      expect(parseFlags(status, argv), argv.join(' ')).toBeUndefined()
    }
    // A flag feature it does not implement (here: a default) sends the command to oclif.
    expect(parseFlags({ ...status!, flags: { ...status!.flags, env: { ...status!.flags.env!, default: 'x' } } }, [])).toBeUndefined()
  })

  it('prints what oclif prints, byte for byte, on the mixed repo with all four plugins linked', async () => {
    // The examples have only a development environment; vitest sets NODE_ENV=test.
    const env = { ...(await withPlugins('knex', 'sequelize', 'typeorm', 'prisma')), NODE_ENV: 'development' }
    const root = tempDir()
    cleanup.push(root)
    cpSync(join(repoRoot, 'examples', 'mixed-repo'), root, { recursive: true, filter: (src) => !/\.(db|sqlite)$/.test(src) })
    linkNodeModules(root)
    const check = async (args: string[], cwd = root) => {
      const { fast, oclif, trace } = await both(args, cwd, env)
      expect(trace, fast.stderr).toBe('mig:fast status handled')
      expect(fast.code).toBe(oclif.code)
      expect(fast.stdout).toBe(oclif.stdout)
      expect(fast.stderr).toBe(oclif.stderr)
      return fast
    }
    const first = await check(['status'])
    expect(first.code, first.stdout + first.stderr).toBe(2)
    await check(['status', '--json'])
    expect((await mig(['up', '--one', '--project', 'billing'], { cwd: root, env })).code).toBe(0)
    await check(['status', '-p', 'jobs', '--project', 'users'])
    const applied = await check(['status', '--json', '--project=billing', '--cwd', root], tempDir())
    expect(applied.stdout).toContain('"applied": 1')
    // Drift: an applied file edited.
    const billing = join(root, 'services', 'billing', 'migrations')
    const edited = join(billing, '20240105090000_create_customers.up.sql')
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}\n-- edited\n`)
    const drift = await check(['status', '--project', 'billing'])
    expect(drift.code & 4).toBe(4)
    expect(drift.stdout).toMatch(/DRIFT\s+20240105090000_create_customers/)
  }, 120_000)

  it('leaves --debug, bad flags, a bad config and plugins with run hooks to oclif', async () => {
    const home = tempDir('mig-oclif-')
    const root = tempDir()
    cleanup.push(home, root)
    const env = oclifEnv(home)
    writeOneSqlApp(root)

    const declined = async (args: string[], reason: RegExp) => {
      const { fast, oclif, trace } = await both(args, root, env)
      expect(trace).toMatch(reason)
      expect(fast.code).toBe(oclif.code)
      expect(fast.stdout).toBe(oclif.stdout)
      expect(fast.stderr).toBe(oclif.stderr)
      expect(hasStack(fast.stderr)).toBe(false)
      return fast
    }
    expect((await declined(['status', '--debug'], /declined \(flags/)).code).toBe(2)
    const bogus = await declined(['status', '--bogus'], /declined \(flags/)
    // A usage error is 1 for status: 2 means pending.
    expect(bogus.code).toBe(1)
    expect(bogus.stderr).toMatch(/^Error: .*bogus/m)

    // A project whose plugin is not installed: the adapter index says so, and this path answers as oclif does.
    mkdirSync(join(root, 'jobs'))
    writeFileSync(join(root, 'jobs', 'knexfile.js'), 'module.exports = {}\n')
    const orphan = await both(['status'], root, env)
    expect(orphan.trace).toBe('mig:fast status handled')
    expect(orphan.fast).toEqual(orphan.oclif)
    expect(orphan.fast.stdout).toContain('mig plugins install @mig/plugin-knex')
    rmSync(join(root, 'jobs'), { recursive: true })
    await declined(['status', '--env', 'a', '--env', 'b'], /declined \(flags/)
    await declined(['status', '--help'], /declined \(flags/)

    writeFileSync(join(root, 'mig.config.json'), '{ "projects": [ { "name": "app", "tool": "sql", "dir": "app", "colour": "red" } ] }')
    const bad = await declined(['status'], /declined \(the command failed/)
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/colour/)
    rmSync(join(root, 'mig.config.json'))

    // A plugin with an init hook: oclif must run it, so the whole command goes through oclif.
    const plugin = join(home, 'hooked')
    mkdirSync(plugin)
    writeFileSync(
      join(plugin, 'package.json'),
      JSON.stringify({ name: 'mig-plugin-hooked', version: '1.0.0', type: 'module', oclif: { hooks: { init: './init.js' } } }),
    )
    writeFileSync(join(plugin, 'init.js'), "export default async function () { process.stderr.write('init hook ran\\n') }\n")
    expect((await mig(['plugins', 'link', plugin], { cwd: home, env })).code).toBe(0)
    const hooked = await declined(['status'], /declined \(plugin mig-plugin-hooked has a hook on init\)/)
    expect(hooked.stderr).toContain('init hook ran')
  }, 60_000)
})
