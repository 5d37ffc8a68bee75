import { MigError } from '../../output/errors.js'
import type { DatabaseTarget } from '../types.js'

/** How long a statement waits for another process's write lock on the file before it gives up (SQLITE_BUSY). */
export const BUSY_TIMEOUT_MS = 10_000

/**
 * SQLITE_BUSY after the busy timeout: another process has held the file's
 * write lock all that time (a migration writing a lot, another tool). A
 * one-line error core and the lock driver recognise, not an internal one.
 */
export function busy(target: DatabaseTarget, error: unknown): unknown {
  const code = String((error as { code?: unknown }).code ?? '')
  if (code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') return error
  return new MigError(
    'DB_BUSY',
    `${target.display} is busy: another process has held its write lock for over ${BUSY_TIMEOUT_MS / 1000}s (a migration writing to it?)`,
    'wait for it to finish; `mig unlock` shows who holds the migration lock',
    { cause: error },
  )
}
