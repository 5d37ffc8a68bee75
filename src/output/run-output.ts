import { type Direction, type RunEvent, type RunResult, type Step, describeProblem, emptyText } from '../core/lifecycle.js'
import { describeHolder } from '../core/lock/index.js'
import { paint } from './colour.js'
import { type Progress, clock, startProgress } from './progress.js'
import { ms } from './table.js'

/**
 * Progress lines for up/down: migrations on stdout; lock waits and, with
 * `announce`, the plan on stderr; while it runs, N/M, the migration and its
 * time on the progress line (src/output/progress.ts).
 */
export function progress(out: (line: string) => void, note: (line: string) => void, options: { announce: boolean }) {
  const live = runProgress()
  return (event: RunEvent): void => {
    live(event)
    switch (event.type) {
      case 'plan': {
        const line = planLine(event.steps, event.direction)
        if (options.announce && line) note(line)
        break
      }
      case 'lock-wait':
        note(`waiting for the migration lock on ${event.database}, held by ${describeHolder(event.holder)}…`)
        break
      case 'lock-acquired':
        note(`got the lock on ${event.database} after waiting ${ms(event.waitedMs)} for ${describeHolder(event.holder)}`)
        break
      case 'empty':
        for (const step of event.steps) note(`Warning: ${emptyText(step, event.direction)}`)
        break
      case 'drift-allowed':
        for (const problem of event.problems) note(`--allow-drift: going on although ${describeProblem(problem)}`)
        break
      case 'retry-failed':
        note(`${event.step.project.name}: retrying ${event.step.migration.id}, whose last run failed partway`)
        break
      case 'done':
        out(
          `${paint('ok', event.direction === 'up' ? '↑' : '↓')} ${event.step.project.name}  ${event.step.migration.id}  ${ms(event.durationMs)}`,
        )
        break
      case 'backup':
        note(`backed up ${event.database} as ${event.id}`)
        break
      case 'interrupt':
        note(interruptLine(event))
        break
      case 'start':
      case 'end':
        break
    }
  }
}

/** The progress line of a run: `applying 3/5: billing 003_add_phone 1.2s (4.5s in all)`. */
function runProgress(): (event: RunEvent) => void {
  let line: Progress | undefined
  let total = 0
  let started = 0
  let n = 0
  let current: { step: Step; since: number } | undefined
  let verb = 'applying'
  const text = (): string => {
    const all = `${clock(Date.now() - started)} in all`
    if (!current && !n) return `${verb} ${total} migration${total === 1 ? '' : 's'} (${all})`
    if (!current) return `${n}/${total} ${verb === 'applying' ? 'applied' : 'reverted'} (${all})`
    const { step, since } = current
    return `${verb} ${n}/${total}: ${step.project.name} ${step.migration.id} ${clock(Date.now() - since)} (${all})`
  }
  return (event) => {
    if (event.type === 'plan' && event.steps.length) {
      total = event.steps.length
      started = Date.now()
      verb = event.direction === 'up' ? 'applying' : 'reverting'
      line = startProgress(text)
    } else if (event.type === 'start') {
      n++
      current = { step: event.step, since: Date.now() }
      line?.update()
    } else if (event.type === 'done') {
      current = undefined
      line?.update()
    } else if (event.type === 'end') line?.end()
  }
}

function interruptLine(event: Extract<RunEvent, { type: 'interrupt' }>): string {
  if (event.again)
    return `${event.signal} again: aborting at once${event.step ? `; ${event.step.project.name} ${event.step.migration.id} may be left unfinished (\`mig status\` tells)` : ''}`
  if (!event.step) return `${event.signal}: stopping before the next migration (again to abort at once)`
  const current = `${event.step.project.name} ${event.step.migration.id}`
  const how = event.transactional
    ? `rolling back ${current}`
    : `letting ${current}'s current statement finish (no transaction covers it), then stopping`
  return `${event.signal}: ${how}; nothing after it will run (again to abort at once)`
}

export function summary(result: RunResult): string {
  const n = result.migrations.length
  const verb = result.direction === 'up' ? 'applied' : 'reverted'
  if (n === 0) return result.direction === 'up' ? 'Nothing to apply: every migration is applied.' : 'Nothing to revert.'
  return `${n} migration${n === 1 ? '' : 's'} ${verb}.`
}

export const runJson = (result: RunResult) => ({ ...result, exitCode: 0 })

const label = (s: Step): string => `${s.project.name} ${s.migration.id}`

/** What a run is about to do, in one line: `will revert accounts 20250301000000-add-name.js (applied last, 2025-…)`. */
export function planLine(steps: Step[], direction: Direction): string | undefined {
  const verb = direction === 'up' ? 'apply' : 'revert'
  if (steps.length === 0) return undefined
  if (steps.length > 1) return `will ${verb} ${steps.length} migrations: ${steps.map(label).join(', ')}`
  const step = steps[0]!
  const why = direction === 'up' ? 'oldest pending' : `applied last${step.appliedAt ? `, ${step.appliedAt}` : ''}`
  return `will ${verb} ${label(step)} (${why})`
}

/** `--dry-run` in text: every migration the run would take, in order. */
export function dryRunText(steps: Step[], direction: Direction): string[] {
  const verb = direction === 'up' ? 'apply' : 'revert'
  if (!steps.length) return [`Dry run: nothing to ${verb}.`]
  const n = steps.length
  const done = `Dry run: ${n} migration${n === 1 ? '' : 's'} would be ${direction === 'up' ? 'applied' : 'reverted'}; nothing was changed.`
  // The order costs nothing to show; the SQL means running them on a scratch copy, which plan does.
  const sql = direction === 'up' ? ['The SQL each would run: `mig plan` with the same flags.'] : []
  return [...steps.map((s) => `would ${verb}  ${s.project.name}  ${s.migration.id}`), done, ...sql]
}

export const dryRunJson = (steps: Step[], direction: Direction) => ({
  dryRun: true,
  migrations: steps.map((s) => ({ project: s.project.name, id: s.migration.id, direction })),
  exitCode: 0,
})
