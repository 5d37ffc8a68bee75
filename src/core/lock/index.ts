import type { LockHolder } from '../../db/driver.js'
import { driverOf } from '../../db/drivers.js'
import type { Db } from '../../db/types.js'
import { MigError } from '../../output/errors.js'

export type { LockHolder } from '../../db/driver.js'

/** Who holds the database's migration lock, by its dialect's driver; undefined when nobody does. */
export const lockHolder = (db: Db): Promise<LockHolder | undefined> => driverOf(db).lock.holder(db)

/**
 * held() asks the server at most this often. In between, a lock read back as
 * ours is trusted while its connection lives: a session lock (PostgreSQL,
 * MySQL) ends only with its session, whose end the connection hears at once
 * (`Db.lost`), or by an unlock on that session, and the lock's connection
 * runs nothing but core's own statements; SQLite's row goes only by `mig unlock --release --force`. Asking before
 * every step cost a round trip per migration (a pg_locks scan), and on
 * SQLite a re-read of the whole schema after each migration's DDL.
 */
export const HELD_TRUSTED_MS = 1000

export interface HeldLock {
  /** How long this run waited, and for whom, when it had to. */
  waited?: { ms: number; holder: LockHolder | undefined }
  /** Still ours? False when the lock's connection died or someone broke the lock. */
  held(): Promise<boolean>
  release(): Promise<void>
}

export const describeHolder = (h: LockHolder | undefined): string =>
  h ? `${h.who}${h.since ? ` since ${h.since}` : ''}${h.stale ? ' (stale)' : ''}` : 'another run'

/**
 * Take the database's migration lock, polling until `timeoutMs`. The first
 * time it is busy, `onWait` hears who holds it.
 */
export async function acquireLock(
  db: Db,
  timeoutMs: number,
  onWait?: (holder: LockHolder | undefined) => void,
  signal?: AbortSignal,
): Promise<HeldLock> {
  const driver = driverOf(db).lock
  const started = Date.now()
  let holder: LockHolder | undefined
  let waiting = false
  for (;;) {
    if (await driver.tryAcquire(db)) {
      let released = false
      const release = (): Promise<void> => {
        released = true
        return driver.release(db)
      }
      // A monotonic clock: a wall clock set back would stretch the trust.
      let confirmed = performance.now()
      const held = async (): Promise<boolean> => {
        if (released || db.lost?.()) return false
        if (performance.now() - confirmed < HELD_TRUSTED_MS) return true
        const ours = await driver.held(db).catch(() => false)
        if (ours) confirmed = performance.now()
        return ours
      }
      return waiting ? { waited: { ms: Date.now() - started, holder }, held, release } : { held, release }
    }
    if (!waiting) {
      waiting = true
      holder = await driver.holder(db)
      onWait?.(holder)
    }
    if (Date.now() - started >= timeoutMs) {
      holder = (await driver.holder(db)) ?? holder
      throw new MigError(
        'LOCK_TIMEOUT',
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for the migration lock on ${db.target.display}, held by ${describeHolder(holder)}`,
        'wait for the other run to finish, raise lock.timeoutSeconds / --lock-timeout, or run `mig unlock` if that run is gone',
      )
    }
    await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 100)))
    if (signal?.aborted)
      throw new MigError(
        'INTERRUPTED',
        `interrupted while waiting for the migration lock on ${db.target.display}, held by ${describeHolder(holder)}`,
        'nothing was changed',
        { exit: 130 },
      )
  }
}
