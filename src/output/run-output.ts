import type { RunEvent, RunResult } from '../core/lifecycle.js'
import { describeHolder } from '../core/lock/index.js'
import { ms } from './table.js'

/** Progress lines for up/down: migrations on stdout, lock waits on stderr. */
export function progress(out: (line: string) => void, note: (line: string) => void) {
  return (event: RunEvent): void => {
    switch (event.type) {
      case 'lock-wait':
        note(`waiting for the migration lock on ${event.database}, held by ${describeHolder(event.holder)}…`)
        break
      case 'lock-acquired':
        note(`got the lock on ${event.database} after waiting ${ms(event.waitedMs)} for ${describeHolder(event.holder)}`)
        break
      case 'retry-failed':
        note(`${event.step.project.name}: retrying ${event.step.migration.id}, whose last run failed partway`)
        break
      case 'done':
        out(`${event.direction === 'up' ? '↑' : '↓'} ${event.step.project.name}  ${event.step.migration.id}  ${ms(event.durationMs)}`)
        break
      case 'backup':
        note(`backed up ${event.database} as ${event.id}`)
        break
      case 'start':
        break
    }
  }
}

export function summary(result: RunResult): string {
  const n = result.migrations.length
  const verb = result.direction === 'up' ? 'applied' : 'reverted'
  if (n === 0) return result.direction === 'up' ? 'Nothing to apply: every migration is applied.' : 'Nothing to revert.'
  return `${n} migration${n === 1 ? '' : 's'} ${verb}.`
}

export const runJson = (result: RunResult) => ({ ...result, exitCode: 0 })
