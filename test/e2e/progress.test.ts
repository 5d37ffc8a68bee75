/* eslint-disable no-control-regex -- these tests look for terminal escape codes */
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type Result, bin, json, mig, migSpawnOptions, repoRoot, tempDir, writeSqlProject } from '../helpers.js'

// Progress and colour as a user sees them: on a terminal (a pseudo-terminal from util-linux `script`), in a pipe, with --json.

const root = tempDir('mig-progress-')
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Five SQLite migrations, each busy for a moment (a 300k-row recursive count), so the progress line is drawn while they run. */
function project(name: string): string {
  const dir = join(root, name)
  writeSqlProject(
    dir,
    'app',
    'sqlite:./app.db',
    Array.from({ length: 5 }, (_, i) => ({
      id: `00${i + 1}_t${i + 1}`,
      up: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c;\nCREATE TABLE t${i + 1} (id INTEGER PRIMARY KEY);\n`,
      down: `DROP TABLE t${i + 1};\n`,
    })),
  )
  return dir
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/** mig on a pseudo-terminal: stdout and stderr both the terminal, as in an interactive shell; CI unset. */
function tty(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Promise<Result> {
  const spawnOptions = migSpawnOptions({ cwd: options.cwd, env: { TERM: 'xterm-256color', ...options.env } })
  const env = spawnOptions.env!
  delete env.CI
  // undefined: left out of the child's environment.
  for (const k of ['NO_COLOR', 'FORCE_COLOR'] as const) if (!options.env || !(k in options.env)) env[k] = undefined
  const command = [process.execPath, ...(options.nodeArgs ?? []), bin, ...args].map(quote).join(' ')
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { ...spawnOptions, env })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }))
  })
}

/** Piped, as in CI: the test runner's own CI variable (if any) stays, colour variables go unless given. */
function piped(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Promise<Result> {
  const env: NodeJS.ProcessEnv = { ...options.env }
  for (const k of ['NO_COLOR', 'FORCE_COLOR'] as const) if (!(k in env)) env[k] = undefined
  return mig(args, { ...options, env })
}

const sgr = /\x1b\[[\d;]*m/
const colour = /\x1b\[(3[0-7]|9[0-7]|38;[\d;]+)m/
const state = async (cwd: string) =>
  json<{ projects: { summary: { applied: number; pending: number } }[] }>(await piped(['status', '--json'], { cwd }))
const noDurations = (text: string) => text.replace(/\r/g, '').replace(/"durationMs": \d+/g, '"durationMs": 0')

describe.skipIf(!hasScript)('on a terminal', () => {
  it('mig up shows N/M, the migration and its time on a live line, and the states in colour', async () => {
    const cwd = project('tty-up')
    const r = await tty(['up'], { cwd })
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/applying 3\/5: app 003_t3 \d+\.\ds \(\d+\.\ds in all\)/)
    expect(r.stdout).toContain('\x1b[32m↑\x1b[39m app  005_t5')
    expect(r.stdout).toMatch(/5 migrations applied\.\r?\n$/)
    // The spinner hid the cursor and gave it back.
    expect(r.stdout.lastIndexOf('\x1b[?25h')).toBeGreaterThan(r.stdout.lastIndexOf('\x1b[?25l'))
    expect((await state(cwd)).projects[0]!.summary).toMatchObject({ applied: 5, pending: 0 })
  })

  it('mig verify and mig plan show N/M migrations', async () => {
    const cwd = project('tty-verify')
    const plan = await tty(['plan'], { cwd })
    expect(plan.code, plan.stdout).toBe(0)
    expect(plan.stdout).toMatch(/planning on a copy [2-5]\/5: app 00[2-5]_t[2-5]/)
    expect((await state(cwd)).projects[0]!.summary.applied).toBe(0)
    const verify = await tty(['verify'], { cwd })
    expect(verify.code, verify.stdout).toBe(0)
    expect(verify.stdout).toMatch(/verifying app [2-5]\/5: 00[2-5]_t[2-5]/)
    expect(verify.stdout).toContain('005_t5: \x1b[32mok\x1b[39m (up, down, up again)')
  })

  it('NO_COLOR=1 and --no-color: progress still, no colour (also through the fast path)', async () => {
    const a = project('tty-nocolor-env')
    const r = await tty(['up'], { cwd: a, env: { NO_COLOR: '1' } })
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/applying [3-5]\/5/)
    expect(r.stdout).not.toMatch(sgr)
    const b = project('tty-nocolor-flag')
    const f = await tty(['up', '--no-color'], { cwd: b, env: { DEBUG: 'mig:fast' } })
    expect(f.code, f.stdout).toBe(0)
    expect(f.stdout).toContain('mig:fast up handled')
    expect(f.stdout).toMatch(/applying [3-5]\/5/)
    expect(f.stdout).not.toMatch(sgr)
    const s = await tty(['status', '--no-color'], { cwd: b })
    expect(s.stdout).toContain('up to date')
    expect(s.stdout).not.toMatch(sgr)
    const log = await tty(['log', '--no-color'], { cwd: b })
    expect(log.code, log.stdout).toBe(0)
    expect(log.stdout).not.toMatch(sgr)
    expect((await tty(['log'], { cwd: b })).stdout).toContain('\x1b[32mok\x1b[39m')
  })

  it('--json is the same bytes as in a pipe: no progress, no colour', async () => {
    const a = project('tty-json')
    const b = project('pipe-json')
    const t = await tty(['up', '--json'], { cwd: a })
    const p = await piped(['up', '--json'], { cwd: b })
    expect(t.code).toBe(0)
    expect(t.stdout).not.toMatch(/\x1b/)
    expect(noDurations(t.stdout)).toBe(noDurations(p.stdout))
    expect(p.stderr).toBe('')
    const ts = await tty(['status', '--json'], { cwd: a })
    const ps = await piped(['status', '--json'], { cwd: a })
    expect(ts.stdout.replace(/\r/g, '')).toBe(ps.stdout)
  })

  it('loads the spinner only for work on a terminal', async () => {
    const cwd = project('tty-lazy')
    const loads = async (run: typeof tty, args: string[]) => {
      const trace = join(root, `trace-${run.name}-${args.join('-')}.txt`)
      const r = await run(args, {
        cwd,
        env: { MIG_TRACE_FILE: trace },
        nodeArgs: ['--import', join(repoRoot, 'test/fixtures/trace-loads.mjs')],
      })
      expect(r.code, r.stdout + r.stderr).toBeLessThan(3)
      return readFileSync(trace, 'utf8')
    }
    expect(await loads(tty, ['status'])).not.toMatch(/yocto-spinner/)
    expect(await loads(piped, ['up', '--step', '2'])).not.toMatch(/yocto-spinner/)
    expect(await loads(tty, ['up'])).toMatch(/node_modules\/yocto-spinner\//)
  })
})

describe('in a pipe', () => {
  it('mig up prints its lines with no control code at all', async () => {
    const cwd = project('pipe-up')
    const r = await piped(['up'], { cwd })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('↑ app  003_t3')
    expect(r.stdout + r.stderr).not.toMatch(/\x1b/)
  })

  it('FORCE_COLOR=1 colours the states, still with no cursor codes', async () => {
    const cwd = project('pipe-force')
    const up = await piped(['up', '--step', '3'], { cwd, env: { FORCE_COLOR: '1' } })
    expect(up.stdout).toContain('\x1b[32m↑\x1b[39m app  001_t1')
    expect(up.stdout + up.stderr).not.toMatch(/\x1b\[\?|\x1b\[\d*[GK]/)
    const r = await piped(['status'], { cwd, env: { FORCE_COLOR: '1' } })
    expect(r.stdout).toMatch(colour)
    expect(r.stdout).toContain('\x1b[33mpending\x1b[39m   004_t4')
    expect(r.stdout).toMatch(/^app {6}sql {3}sqlite:\.\/app\.db {2}3 {8}2 {8}\x1b\[33m2 pending\x1b\[39m$/m)
    const plain = await piped(['status', '--no-color'], { cwd, env: { FORCE_COLOR: '1' } })
    expect(plain.stdout).not.toMatch(sgr)
  })
})
