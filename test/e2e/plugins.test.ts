import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { json, mig, repoRoot, tempDir } from '../helpers.js'

const home = tempDir('mig-oclif-')
const root = tempDir()
const cleanup = [home, root]
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })))
// A fresh oclif data dir, so the link below touches nothing of the user's.
const env = { XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') }
const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => mig(args, { cwd: root, env: { ...env, ...extra } })

mkdirSync(join(root, 'fx'))
writeFileSync(join(root, 'fx', 'migrations.json'), JSON.stringify(['20240101000000_a', '20240201000000_b']))

describe('adapters from plugins, through the mig:adapters hook', () => {
  it('a linked plugin contributes its tool: detection, config validation, status, up and down', async () => {
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'fx', tool: 'fixture', dir: 'fx' }] }))
    const unknown = await run(['status'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/unknown tool "fixture"/)

    const link = await run(['plugins', 'link', join(repoRoot, 'test/fixtures/plugin-fixture')])
    expect(link.code, link.stderr).toBe(0)
    expect((await run(['plugins'])).stdout).toContain('mig-plugin-fixture')

    const status = await run(['status', '--json'])
    expect(status.code, status.stderr).toBe(2)
    expect(json<{ projects: { tool: string; summary: { pending: number } }[] }>(status).projects[0]).toMatchObject({
      tool: 'fixture',
      summary: { pending: 2 },
    })
    expect((await run(['up', '--one'])).code).toBe(0)
    expect(JSON.parse(readFileSync(join(root, 'fx', 'ledger.json'), 'utf8'))).toEqual(['20240101000000_a'])
    expect((await run(['up'])).code).toBe(0)
    expect((await run(['down'])).code).toBe(0)
    expect(JSON.parse(readFileSync(join(root, 'fx', 'ledger.json'), 'utf8'))).toEqual(['20240101000000_a'])

    rmSync(join(root, 'mig.config.json'))
    const detected = json<{ projects: { name: string; tool: string }[] }>(await run(['status', '--json']))
    expect(detected.projects).toEqual([expect.objectContaining({ name: 'fx', tool: 'fixture' })])
  })

  it('a plugin whose hook fails is reported without aborting the command', async () => {
    const r = await run(['status'], { MIG_FIXTURE_HOOK_THROWS: '1' })
    // Status cannot see that plugin's projects, so it cannot say all is clean.
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/plugin mig-plugin-fixture failed to provide its adapter: fixture hook exploded/)
  })
})

describe('a plugin returning a malformed adapter', () => {
  it('is reported in one line naming it, like a failed plugin, and the other projects still show', async () => {
    const home = tempDir('mig-oclif-')
    const repo = tempDir()
    cleanup.push(home, repo)
    const vars = { XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config') }
    mkdirSync(join(repo, 'app', 'migrations'), { recursive: true })
    writeFileSync(join(repo, 'app', 'migrations', '001_a.up.sql'), 'CREATE TABLE a (x int);\n')
    writeFileSync(join(repo, 'app', '.env'), 'DATABASE_URL=sqlite:./a.db\n')
    const link = await mig(['plugins', 'link', join(repoRoot, 'test/fixtures/plugin-malformed')], { cwd: home, env: vars })
    expect(link.code, link.stderr).toBe(0)
    for (const extra of [{}, { MIG_FAST_PATH: '0' }]) {
      const r = await mig(['status'], { cwd: repo, env: { ...vars, ...extra } })
      // Pending (2), and blind to that plugin's projects (1).
      expect(r.code, r.stderr).toBe(3)
      expect(r.stderr).toMatch(/^Error: plugin mig-plugin-malformed returned a malformed adapter: open is not a function$/m)
      expect(r.stderr).toMatch(/^Hint: .*mig plugins uninstall mig-plugin-malformed/m)
      expect(r.stderr).not.toMatch(/^\s+at /m)
      expect(r.stdout).toMatch(/^app\s+sql\s+sqlite:\.\/a\.db\s+0\s+1\s+1 pending$/m)
    }
  })
})
