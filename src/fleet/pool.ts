import { signalExit } from '../core/interrupt.js'
import type { Unit } from './units.js'

/** How one unit ended. `exitCode` is its own: a status bitmap, or a command's 0/1/2. */
export interface Outcome {
  unit: Unit
  /** A word for the grid and --json: clean, pending, applied, failed, skipped … */
  state: string
  exitCode: number
  durationMs: number
  /** The database it ran on, redacted (absent when it never opened). */
  database?: { dialect: string; url: string }
  /** Applied, reverted, pending …: the number the state counts, where there is one. */
  count?: number
  error?: { code: string; message: string; hint?: string }
  /** The command's own result for this unit, for --json. */
  detail: Record<string, unknown>
}

export interface PoolOptions {
  concurrency: number
  /** After the first failing unit, start no new one. */
  failFast: boolean
  /** Whether an outcome counts as failing (for --fail-fast). */
  fails(outcome: Outcome): boolean
  work(unit: Unit): Promise<Omit<Outcome, 'unit' | 'durationMs'>>
  onStart?(unit: Unit): void
  onSettled?(outcome: Outcome): void
}

export interface PoolResult {
  outcomes: Outcome[]
  /** Why units were left unstarted. */
  stopped?: 'fail-fast' | NodeJS.Signals
}

/**
 * Run the units `concurrency` at a time, in their order. Each unit takes its
 * own database's lock inside `work`, so two runs over one fleet interleave
 * safely. A unit that throws is an outcome like any other (its error says
 * why); with `failFast`, the first failing unit stops new starts while those
 * running finish; so does the first SIGINT/SIGTERM (each running unit stops
 * after its current migration, as a single run does), and the second exits.
 * Units never started are `skipped`.
 */
export async function runPool(units: readonly Unit[], options: PoolOptions): Promise<PoolResult> {
  const outcomes: (Outcome | undefined)[] = units.map(() => undefined)
  let stopped: PoolResult['stopped']
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopped !== undefined && stopped !== 'fail-fast') process.exit(signalExit(stopped))
    stopped = signal
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // Each running unit listens for signals too (watchInterrupts): that many listeners are meant.
  const listeners = process.getMaxListeners()
  process.setMaxListeners(Math.max(listeners, options.concurrency * 2 + 10))
  // Units sharing a database (Unit.serial) take turns; otherwise the order is kept.
  const started = units.map(() => false)
  const busy = new Set<string>()
  let freed: (() => void)[] = []
  const nextFree = (): number => started.findIndex((s, i) => !s && !busy.has(units[i]!.serial))
  const worker = async (): Promise<void> => {
    while (stopped === undefined && started.includes(false)) {
      const i = nextFree()
      if (i < 0) {
        await new Promise<void>((resolve) => freed.push(resolve))
        continue
      }
      started[i] = true
      const unit = units[i]!
      busy.add(unit.serial)
      options.onStart?.(unit)
      const startedAt = Date.now()
      let outcome: Outcome
      try {
        outcome = { ...(await options.work(unit)), unit, durationMs: Date.now() - startedAt }
      } catch (error) {
        const e = error as { code?: string; message?: string; hint?: string; exit?: number }
        outcome = {
          unit,
          state: 'failed',
          exitCode: typeof e.exit === 'number' ? e.exit : 1,
          durationMs: Date.now() - startedAt,
          error: { code: e.code ?? 'INTERNAL', message: e.message ?? String(error), ...(e.hint ? { hint: e.hint } : {}) },
          detail: {},
        }
      }
      busy.delete(unit.serial)
      outcomes[i] = outcome
      if (options.failFast && stopped === undefined && options.fails(outcome)) stopped = 'fail-fast'
      options.onSettled?.(outcome)
      const waiting = freed
      freed = []
      for (const wake of waiting) wake()
    }
    // Whoever waits for a unit this worker would have freed: nothing more comes, let them look again.
    const waiting = freed
    freed = []
    for (const wake of waiting) wake()
  }
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, units.length)) }, worker))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.setMaxListeners(listeners)
  }
  return {
    outcomes: outcomes.map((o, i) => o ?? { unit: units[i]!, state: 'skipped', exitCode: 0, durationMs: 0, detail: {} }),
    ...(stopped !== undefined ? { stopped } : {}),
  }
}
