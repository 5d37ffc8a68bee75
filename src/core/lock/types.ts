import type { Db } from '../../db/types.js'

/** Who holds a database's migration lock. */
export interface LockHolder {
  /** e.g. "mig pid 4242 on build-7" or "connection 31 (root@localhost)". */
  who: string
  /** ISO time the holder took it (or connected), when known. */
  since?: string
  /** The holder is gone (SQLite: its pid no longer runs), so the lock can be released safely. */
  stale: boolean
}

/** One dialect's lock: non-blocking try, a look at the holder, release. */
export interface LockDriver {
  tryAcquire(db: Db): Promise<boolean>
  release(db: Db): Promise<void>
  holder(db: Db): Promise<LockHolder | undefined>
  /** Does this connection still hold the lock? A cheap query on the lock's own connection; throws when it is dead. */
  held(db: Db): Promise<boolean>
  /** Break someone else's lock (terminate its session / delete its row). */
  breakLock(db: Db): Promise<void>
}
