import { describe, expect, it } from 'vitest'
import { fleetOutput } from '../../../src/fleet/output.js'
import { type Outcome, runPool } from '../../../src/fleet/pool.js'
import type { Unit } from '../../../src/fleet/units.js'

const unit = (name: string, project = 'tenants'): Unit =>
  ({
    project: { name: project },
    target: { name, url: `sqlite:${name}.db` },
    label: `${project}/${name}`,
    key: name,
    serial: `sqlite:${name}.db`,
  }) as unknown as Unit
const units = Array.from({ length: 20 }, (_, i) => unit(`t${i}`))
const tick = () => new Promise((r) => setImmediate(r))

describe('the fleet runner', () => {
  it('runs at most N at a time, every unit once, outcomes in unit order', async () => {
    let running = 0
    let most = 0
    const ran: string[] = []
    const result = await runPool(units, {
      concurrency: 3,
      failFast: false,
      fails: (o) => o.exitCode !== 0,
      work: async (u) => {
        running++
        most = Math.max(most, running)
        ran.push(u.key)
        await tick()
        running--
        return { state: 'applied', exitCode: 0, detail: {} }
      },
    })
    expect(most).toBe(3)
    expect(ran.sort()).toEqual(units.map((u) => u.key).sort())
    expect(result.outcomes.map((o) => o.unit.key)).toEqual(units.map((u) => u.key))
    expect(result.stopped).toBeUndefined()
  })

  it("never runs two units on one database side by side (two projects on a tenant's database), and keeps the rest going", async () => {
    const both = Array.from({ length: 6 }, (_, i) => [unit(`t${i}`), unit(`t${i}`, 'billing')]).flat()
    const running = new Map<string, number>()
    let clash = false
    let most = 0
    const result = await runPool(both, {
      concurrency: 4,
      failFast: false,
      fails: (o) => o.exitCode !== 0,
      work: async (u) => {
        const n = (running.get(u.serial) ?? 0) + 1
        running.set(u.serial, n)
        if (n > 1) clash = true
        most = Math.max(
          most,
          [...running.values()].reduce((a, b) => a + b, 0),
        )
        await tick()
        await tick()
        running.set(u.serial, running.get(u.serial)! - 1)
        return { state: 'applied', exitCode: 0, detail: {} }
      },
    })
    expect(clash).toBe(false)
    expect(most).toBe(4)
    expect(result.outcomes.map((o) => o.unit.label)).toEqual(both.map((u) => u.label))
    expect(result.outcomes.every((o) => o.state === 'applied')).toBe(true)
  })

  it('continues past a failure by default; a unit that throws is a failed outcome with its error', async () => {
    const result = await runPool(units, {
      concurrency: 4,
      failFast: false,
      fails: (o) => o.exitCode !== 0,
      work: async (u) => {
        await tick()
        if (u.key === 't2') throw Object.assign(new Error('boom'), { code: 'X', hint: 'fix it', exit: 1 })
        return { state: 'applied', exitCode: 0, detail: {} }
      },
    })
    const failed = result.outcomes.filter((o) => o.state === 'failed')
    expect(failed.map((o) => [o.unit.key, o.error])).toEqual([['t2', { code: 'X', message: 'boom', hint: 'fix it' }]])
    expect(result.outcomes.filter((o) => o.state === 'applied').length).toBe(19)
  })

  it('--fail-fast: no unit starts after the first failure; running ones finish; the rest are skipped', async () => {
    const started: string[] = []
    let failedAt = -1
    const result = await runPool(units, {
      concurrency: 4,
      failFast: true,
      fails: (o) => o.exitCode !== 0,
      work: async (u) => {
        started.push(u.key)
        await tick()
        if (u.key === 't5') {
          failedAt = started.length
          return { state: 'failed', exitCode: 1, detail: {} }
        }
        await tick()
        return { state: 'applied', exitCode: 0, detail: {} }
      },
    })
    expect(result.stopped).toBe('fail-fast')
    expect(started.length).toBe(failedAt)
    const skipped = result.outcomes.filter((o) => o.state === 'skipped').map((o) => o.unit.key)
    expect(skipped).toEqual(units.slice(started.length).map((u) => u.key))
    expect(skipped.length).toBeGreaterThan(0)
    for (const o of result.outcomes.filter((o) => started.includes(o.unit.key))) expect(o.state).not.toBe('skipped')
  })
})

describe('fleet output', () => {
  const outcome = (key: string, state: string, extra: Partial<Outcome> = {}): Outcome => ({
    unit: unit(key),
    state,
    exitCode: state === 'failed' ? 1 : 0,
    durationMs: 100 + Number(key.slice(1)),
    detail: {},
    ...extra,
  })
  const result = {
    outcomes: [
      outcome('t1', 'applied', { count: 10 }),
      outcome('t2', 'failed', { count: 6, error: { code: 'X', message: 'tenants 007_t7 failed: t7 exists', hint: 'drop it' } }),
      outcome('t3', 'current'),
      outcome('t4', 'skipped'),
    ],
    stopped: 'fail-fast' as const,
  }

  it('a line per target: state, count, time; a failure with its message and hint under it', () => {
    const out = fleetOutput()
    expect(out.line(result.outcomes[0]!)).toEqual(['tenants/t1  applied 10  101ms'])
    expect(out.line(result.outcomes[1]!)).toEqual([
      'tenants/t2  failed after 6 done  102ms',
      '  tenants 007_t7 failed: t7 exists',
      '  hint: drop it',
    ])
    expect(out.summary(result, 1500)).toBe(
      '4 targets in 1.5s: 1 failed, 1 applied, 1 current, 1 skipped; --fail-fast: no target started after the first failure.',
    )
  })

  it('the grid: a row per state with its count and targets, the slowest, the failed', () => {
    const grid = fleetOutput().grid(result).join('\n')
    expect(grid).toMatch(
      /^STATE +TARGETS +WHICH\nfailed +1 +tenants\/t2\napplied +1 +tenants\/t1\ncurrent +1 +tenants\/t3\nskipped +1 +tenants\/t4$/m,
    )
    expect(grid).toContain('slowest: tenants/t3 103ms, tenants/t2 102ms, tenants/t1 101ms')
    expect(grid).toMatch(/failed:\ntenants\/t2\n {2}tenants 007_t7 failed: t7 exists\n {2}hint: drop it$/)
  })

  it('--json: one entry per (project, target), the states counted, the exit code', () => {
    const j = fleetOutput().json(result, 1, 1500)
    expect(j.targets.map((t) => [t.project, t.target, t.state])).toEqual([
      ['tenants', 't1', 'applied'],
      ['tenants', 't2', 'failed'],
      ['tenants', 't3', 'current'],
      ['tenants', 't4', 'skipped'],
    ])
    expect(j.fleet).toEqual({
      targets: 4,
      states: { applied: 1, failed: 1, current: 1, skipped: 1 },
      durationMs: 1500,
      stopped: 'fail-fast',
    })
    expect(j.exitCode).toBe(1)
  })
})
