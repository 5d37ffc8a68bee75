import type { DatabaseTarget, Db } from '../db/types.js'

/** What core does at the two moments of a restore that only it knows how to do. */
export interface RestoreSteps {
  /** The dump loaded completely into `fresh`, before the swap: core writes the journal there. */
  loaded(fresh: Db): Promise<void>
  /** Right before the swap: core lets go of its lock and its connection to the target (PostgreSQL cannot rename a database in use). */
  release(): Promise<void>
  /** Something left over after a successful swap (a holding database that would not drop). */
  warn(message: string): void
}

/** One dialect's dump and restore. */
export interface BackupDriver {
  /** File extension of the dump. */
  extension: string
  /** The dump tool and its version, for the manifest. */
  tool(): Promise<string>
  /** Write the whole database to `file` (mode 0600). */
  dump(target: DatabaseTarget, file: string): Promise<{ sha256: string; size: number }>
  /**
   * Replace the whole database with the dump: load it into a fresh database
   * (SQLite: a file) beside the target and swap that in only once it is
   * complete. A failure before the swap leaves the target as it was and
   * throws `notChanged`.
   */
  restore(target: DatabaseTarget, file: string, steps: RestoreSteps): Promise<void>
}
