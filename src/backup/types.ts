import type { DatabaseTarget, Db } from '../db/types.js'

/** One dialect's dump and restore. */
export interface BackupDriver {
  /** File extension of the dump. */
  extension: string
  /** The dump tool and its version, for the manifest. */
  tool(): Promise<string>
  /** Write the whole database to `file` (mode 0600). */
  dump(target: DatabaseTarget, file: string): Promise<{ sha256: string; size: number }>
  /** Replace the whole database with the dump. `db` is core's connection, holding the lock (SQLite: already closed). */
  restore(target: DatabaseTarget, file: string, db: Db): Promise<void>
}
