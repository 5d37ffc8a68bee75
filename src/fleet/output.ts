import { type Tone, paint } from '../output/colour.js'
import { ms, table } from '../output/table.js'
import type { Outcome, PoolResult } from './pool.js'

/** Each state's colour; states not listed print plain. */
const tones: Record<string, Tone> = {
  clean: 'ok',
  applied: 'ok',
  reverted: 'ok',
  'backed-up': 'ok',
  planned: 'pending',
  pending: 'pending',
  current: 'muted',
  skipped: 'muted',
  drift: 'drift',
  locked: 'locked',
  failed: 'failed',
  error: 'failed',
  interrupted: 'failed',
}

/** States in the order a reader wants them: trouble first. */
const order = [
  'error',
  'failed',
  'interrupted',
  'drift',
  'locked',
  'pending',
  'planned',
  'applied',
  'reverted',
  'backed-up',
  'clean',
  'current',
  'skipped',
]
const rank = (state: string): number => (order.includes(state) ? order.indexOf(state) : order.length)

const stateText = (o: Outcome): string => {
  const word = paint(tones[o.state] ?? 'muted', o.state)
  if (o.count === undefined || o.state === 'current' || o.state === 'skipped') return word
  // A run that failed or was interrupted may have done some first: said as such, not as its count.
  if (o.error) return o.count ? `${word} after ${o.count} done` : word
  return `${word} ${o.count}`
}

const problem = (o: Outcome): string[] => (o.error ? [`  ${o.error.message}`, ...(o.error.hint ? [`  hint: ${o.error.hint}`] : [])] : [])

/** How a fleet run is printed: one line per target for CI, a grid on a terminal, or --json. */
export function fleetOutput() {
  return {
    /** A target's line, as it settles: `tenants/acme  applied 10  1.2s`, and its error and hint under it. */
    line(o: Outcome): string[] {
      return [`${o.unit.label}  ${stateText(o)}  ${ms(o.durationMs)}`, ...problem(o)]
    },

    /** The targets never started (--fail-fast, a signal), after the lines of those that ran. */
    skippedLines(result: PoolResult): string[] {
      const skipped = result.outcomes.filter((o) => o.state === 'skipped')
      return skipped.map((o) => `${o.unit.label}  ${stateText(o)}`)
    },

    /**
     * The terminal's compact view: a row per state (how many, which
     * targets, the first few), the slowest targets, and every failure with
     * its message and hint.
     */
    grid(result: PoolResult): string[] {
      const byState = new Map<string, Outcome[]>()
      for (const o of result.outcomes) byState.set(o.state, [...(byState.get(o.state) ?? []), o])
      const states = [...byState.keys()].sort((a, b) => rank(a) - rank(b))
      const shown = 6
      const rows = states.map((state) => {
        const all = byState.get(state)!
        const names = all.slice(0, shown).map((o) => o.unit.label)
        return [
          paint(tones[state] ?? 'muted', state),
          all.length,
          names.join(', ') + (all.length > shown ? `, … ${all.length - shown} more` : ''),
        ]
      })
      const lines = [table(['state', 'targets', 'which'], rows)]
      const ran = result.outcomes.filter((o) => o.state !== 'skipped')
      if (ran.length > 1) {
        const slowest = [...ran].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3)
        lines.push('', `slowest: ${slowest.map((o) => `${o.unit.label} ${ms(o.durationMs)}`).join(', ')}`)
      }
      const failed = result.outcomes.filter((o) => o.error)
      if (failed.length) {
        lines.push('', paint('failed', 'failed:'))
        for (const o of failed) lines.push(`${o.unit.label}`, ...problem(o))
      }
      return lines
    },

    /** The last line: how many targets, by state, in how long, and why it stopped early. */
    summary(result: PoolResult, wallMs: number): string {
      const counts = new Map<string, number>()
      for (const o of result.outcomes) counts.set(o.state, (counts.get(o.state) ?? 0) + 1)
      const parts = [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([state, n]) => `${n} ${state}`)
      const n = result.outcomes.length
      const why =
        result.stopped === 'fail-fast'
          ? '; --fail-fast: no target started after the first failure'
          : result.stopped
            ? `; ${result.stopped}: no target started after it`
            : ''
      return `${n} target${n === 1 ? '' : 's'} in ${ms(wallMs)}: ${parts.join(', ')}${why}.`
    },

    /** One entry per (project, target), the command's own result in each, and the OR of their exit codes. */
    json(result: PoolResult, exitCode: number, wallMs: number) {
      const states: Record<string, number> = {}
      for (const o of result.outcomes) states[o.state] = (states[o.state] ?? 0) + 1
      return {
        targets: result.outcomes.map((o) => ({
          ...o.detail,
          project: o.unit.project.name,
          target: o.unit.target?.name ?? null,
          ...(o.database ? { database: o.database } : {}),
          state: o.state,
          exitCode: o.exitCode,
          durationMs: o.durationMs,
          ...(o.error ? { error: o.error } : {}),
        })),
        fleet: { targets: result.outcomes.length, states, durationMs: wallMs, ...(result.stopped ? { stopped: result.stopped } : {}) },
        exitCode,
      }
    },
  }
}
