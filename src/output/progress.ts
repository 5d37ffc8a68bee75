import { redact } from './redact.js'

/**
 * Long work showing itself on stderr: `up`/`down` (N/M, the migration,
 * elapsed time), `backup`/`restore` (bytes and rate), `verify`/`plan` (N/M).
 *
 * - `live`: a terminal. One spinner line (yocto-spinner), loaded only when
 *   some work starts, so `mig status` and a piped `mig up` never load it;
 *   it clears itself around every other line written to the terminal.
 * - `plain`: CI, a pipe, a file. No control codes, and for most work no
 *   line at all (the command's own lines say what it did): only work still
 *   going after 30 s prints its line, then every 30 s, so a CI log shows a
 *   long migration or dump is alive (some CI systems end a job that prints
 *   nothing for minutes).
 * - `off`: --json, and the library (nothing is printed unless a command
 *   chose a mode).
 *
 * One line at a time: work started inside other work (the backup `up
 * --backup` takes) shows until it ends, then the outer work again.
 */
export type ProgressMode = 'live' | 'plain' | 'off'

export interface Progress {
  /** Show the text again now (it changed). */
  update(): void
  /** The work is over: its line goes. */
  end(): void
}

/** yocto-spinner's part that is used here. */
interface Spinner {
  text: string
  start(): unknown
  stop(): unknown
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream
  /** plain: the first line after this long, then one every `everyMs` (30 s each). */
  firstMs?: number
  everyMs?: number
}

/**
 * `live` on a terminal that is not TERM=dumb outside CI (yocto-spinner's own
 * test, so it never falls back to printing a line per update), `plain`
 * elsewhere, `off` with --json.
 */
export function progressMode(stream: { isTTY?: boolean }, json: boolean, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  if (json) return 'off'
  return stream.isTTY === true && env.TERM !== 'dumb' && !('CI' in env) ? 'live' : 'plain'
}

interface Task {
  text: () => string
  timer?: NodeJS.Timeout
}

const state: {
  mode: ProgressMode
  /** process.stderr unless a test gives one; read when needed, so loading this module creates no stream. */
  stream?: NodeJS.WriteStream
  firstMs: number
  everyMs: number
  tasks: Task[]
  spinner?: Spinner
  loading?: Promise<void>
  ticker?: NodeJS.Timeout
} = { mode: 'off', firstMs: 30_000, everyMs: 30_000, tasks: [] }

const stream = (): NodeJS.WriteStream => state.stream ?? process.stderr

/** Set by each command before it starts (MigCommand.init, the fast dispatcher). */
export function useProgress(mode: ProgressMode, options: ProgressOptions = {}): void {
  stopSpinner()
  for (const task of state.tasks) clearTimeout(task.timer)
  Object.assign(state, { mode, tasks: [], stream: options.stream })
  state.firstMs = options.firstMs ?? 30_000
  state.everyMs = options.everyMs ?? 30_000
}

/** Whether anything shows progress: callers skip the work of measuring it otherwise. */
export const showsProgress = (): boolean => state.mode !== 'off'

const noProgress: Progress = { update: () => {}, end: () => {} }

/**
 * Start showing long work, described by `text`: called each time the line
 * is drawn, so elapsed times and byte counts read at that moment.
 */
export function startProgress(text: () => string): Progress {
  if (state.mode === 'off') return noProgress
  const task: Task = { text }
  state.tasks.push(task)
  if (state.mode === 'plain') schedulePlain(task, state.firstMs)
  else showLive()
  let ended = false
  return {
    update: () => {
      if (!ended && state.mode === 'live') redraw()
    },
    end: () => {
      if (ended) return
      ended = true
      clearTimeout(task.timer)
      state.tasks = state.tasks.filter((t) => t !== task)
      if (state.mode === 'live') {
        if (state.tasks.length) redraw()
        else stopSpinner()
      }
    },
  }
}

function schedulePlain(task: Task, after: number): void {
  task.timer = setTimeout(() => {
    // Only the innermost work speaks: the outer one is waiting on it.
    if (state.tasks.at(-1) === task) stream().write(`${redact(task.text())}\n`)
    schedulePlain(task, state.everyMs)
  }, after)
  task.timer.unref()
}

const current = (): string => redact(state.tasks.at(-1)?.text() ?? '')

function showLive(): void {
  if (state.spinner) return redraw()
  state.loading ??= import('yocto-spinner').then(
    ({ default: yoctoSpinner }) => {
      state.loading = undefined
      // The work may have ended while the module loaded.
      if (!state.tasks.length || state.mode !== 'live') return
      // mig's own SIGINT handling (stop after the current migration) stays in charge.
      state.spinner = yoctoSpinner({ stream: stream(), handleSignals: false, text: current() }) as Spinner
      state.spinner.start()
      // The elapsed times move on between updates.
      state.ticker = setInterval(redraw, 200)
      state.ticker.unref()
      process.once('exit', stopSpinner)
    },
    () => {
      // No spinner (a broken install): the work goes on without one.
      state.loading = undefined
    },
  )
}

function redraw(): void {
  if (state.spinner) state.spinner.text = current()
}

/** Clear the line and show the cursor again: on the last end, a new mode, and at exit (a second Ctrl-C exits at once). */
function stopSpinner(): void {
  clearInterval(state.ticker)
  state.ticker = undefined
  const spinner = state.spinner
  state.spinner = undefined
  process.off('exit', stopSpinner)
  spinner?.stop()
}

/** Elapsed time on a progress line: 0.4s, 12.3s, 2m05s, 1h02m. */
export function clock(ms: number): string {
  const s = Math.max(0, ms) / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

export interface StepProgress {
  /** Item `n` of `total` (from 1) has begun. */
  step(n: number, total: number, label: string): void
  end(): void
}

/**
 * Work over a number of items, e.g. `verifying billing 3/12: 003_add_phone
 * 1.2s (4.5s in all)`; none when `total` is known to be 0.
 */
export function stepProgress(what: string, total?: number): StepProgress {
  if (total === 0) return { step: () => {}, end: () => {} }
  const started = Date.now()
  let at: { n: number; total: number; label: string; since: number } | undefined
  const line = startProgress(() => {
    const all = `${clock(Date.now() - started)} in all`
    return at ? `${what} ${at.n}/${at.total}: ${at.label} ${clock(Date.now() - at.since)} (${all})` : `${what} (${all})`
  })
  return {
    step: (n, total, label) => {
      at = { n, total, label, since: Date.now() }
      line.update()
    },
    end: () => line.end(),
  }
}
