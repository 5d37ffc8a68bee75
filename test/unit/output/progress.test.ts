/* eslint-disable no-control-regex -- these tests look for terminal escape codes */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Step } from '../../../src/core/lifecycle.js'
import { clock, progressMode, showsProgress, startProgress, stepProgress, useProgress } from '../../../src/output/progress.js'
import { progress } from '../../../src/output/run-output.js'

/** A stand-in for stderr that keeps what is written. */
function sink() {
  const lines: string[] = []
  const stream = { write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WriteStream
  return { lines, stream }
}

describe('which progress', () => {
  it('a live line on a terminal, plain lines in CI and pipes, none with --json', () => {
    expect(progressMode({ isTTY: true }, false, { TERM: 'xterm' })).toBe('live')
    expect(progressMode({ isTTY: true }, false, { TERM: 'xterm', CI: 'true' })).toBe('plain')
    expect(progressMode({ isTTY: true }, false, { TERM: 'dumb' })).toBe('plain')
    expect(progressMode({ isTTY: false }, false, {})).toBe('plain')
    expect(progressMode({ isTTY: true }, true, { TERM: 'xterm' })).toBe('off')
  })

  it('elapsed time in the unit that reads best', () => {
    expect([400, 12_340, 125_000, 3_720_000].map(clock)).toEqual(['0.4s', '12.3s', '2m05s', '1h02m'])
  })
})

describe('plain progress', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
    useProgress('off')
  })

  it('says nothing of work under 30 s, then a line every 30 s, never a control code', () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream })
    let n = 0
    const line = startProgress(() => `working ${n}`)
    n = 1
    vi.advanceTimersByTime(29_999)
    expect(lines).toEqual([])
    vi.advanceTimersByTime(1)
    expect(lines).toEqual(['working 1\n'])
    n = 2
    vi.advanceTimersByTime(30_000)
    expect(lines).toEqual(['working 1\n', 'working 2\n'])
    line.end()
    vi.advanceTimersByTime(60000)
    expect(lines).toHaveLength(2)
    expect(lines.join('')).not.toMatch(/\x1b/)
  })

  it('only the innermost work speaks (the backup inside an up)', () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 1000, everyMs: 1000 })
    const outer = startProgress(() => 'outer')
    const inner = startProgress(() => 'inner')
    vi.advanceTimersByTime(2000)
    inner.end()
    vi.advanceTimersByTime(1000)
    outer.end()
    expect(lines).toEqual(['inner\n', 'inner\n', 'outer\n'])
  })

  it('hides secrets like every other line', () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 10, everyMs: 10 })
    startProgress(() => 'backing up postgres://u:hunter2secret@db/app').end()
    const line = startProgress(() => 'backing up postgres://u:hunter2secret@db/app')
    vi.advanceTimersByTime(10)
    line.end()
    expect(lines).toEqual(['backing up postgres://u:***@db/app\n'])
  })

  it('N/M of steps with elapsed times', () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 1000, everyMs: 1000 })
    const steps = stepProgress('verifying app')
    steps.step(3, 5, '003_add_phone')
    vi.advanceTimersByTime(1000)
    steps.end()
    expect(lines).toEqual(['verifying app 3/5: 003_add_phone 1.0s (1.0s in all)\n'])
    expect(stepProgress('planning', 0)).toBeDefined()
    vi.advanceTimersByTime(5000)
    expect(lines).toHaveLength(1)
  })

  it("up's line: N/M, the migration, its time and the run's", () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 500, everyMs: 1000 })
    const step = (id: string): Step => ({ project: { name: 'app' } as Step['project'], migration: { id } as Step['migration'] })
    const steps = ['001_a', '002_b', '003_c'].map(step)
    const out: string[] = []
    const on = progress(
      (l) => out.push(l),
      () => {},
      { announce: false },
    )
    on({ type: 'plan', steps, direction: 'up' })
    on({ type: 'start', step: steps[0]!, direction: 'up' })
    on({ type: 'done', step: steps[0]!, direction: 'up', durationMs: 10 })
    on({ type: 'start', step: steps[1]!, direction: 'up' })
    vi.advanceTimersByTime(500)
    on({ type: 'done', step: steps[1]!, direction: 'up', durationMs: 500 })
    vi.advanceTimersByTime(1000)
    on({ type: 'end' })
    vi.advanceTimersByTime(5000)
    expect(lines).toEqual(['applying 2/3: app 002_b 0.5s (0.5s in all)\n', '2/3 applied (1.5s in all)\n'])
    expect(out).toEqual(['↑ app  001_a  10ms', '↑ app  002_b  500ms'])
  })
})

describe('no progress', () => {
  it('with --json and in the library: nothing is measured or shown', () => {
    useProgress('off')
    expect(showsProgress()).toBe(false)
    const { lines, stream } = sink()
    useProgress('off', { stream, firstMs: 0, everyMs: 0 })
    const line = startProgress(() => 'x')
    line.update()
    line.end()
    expect(lines).toEqual([])
  })
})
