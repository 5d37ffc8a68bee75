import { randomBytes } from 'node:crypto'
import { chmod, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { handOver, notChanged } from '../../backup/swap.js'
import { hashFile } from '../../backup/tools.js'
import type { BackupDriver, RestoreSteps } from '../driver.js'
import type { DatabaseTarget, Db } from '../types.js'
import { parseDatabaseUrl } from '../url.js'

/** A file's own connection, without the registry (which loads this folder). */
const connect = async (file: string): Promise<Db> => (await import('./connect.js')).connectSqlite(parseDatabaseUrl(`sqlite:${file}`, '/'))

export const sqliteBackup: BackupDriver = {
  extension: 'sqlite',
  tool: async () => {
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(':memory:')
    try {
      return `SQLite online backup API, SQLite ${(db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v}`
    } finally {
      db.close()
    }
  },
  /** The online backup API: a consistent copy while others keep using the file. The copy drops mig's own lock row. */
  async dump(target: DatabaseTarget, file: string) {
    const { default: Database } = await import('better-sqlite3')
    const source = new Database(target.file!, { readonly: true, fileMustExist: true })
    try {
      await source.backup(file)
    } finally {
      source.close()
    }
    await chmod(file, 0o600)
    const copy = await connect(file)
    try {
      if (await copy.tableExists('mig_lock')) await copy.run('DELETE FROM mig_lock')
    } finally {
      await copy.close()
    }
    return hashFile(file)
  },
  /**
   * Two steps, so a failure cannot leave a half-restored file: the dump is
   * first copied into a temp file beside the target (on the same disk, so a
   * full disk shows here) and given the journal; then that copy goes into
   * the live file with the backup API, whose write is one transaction on
   * the target (rolled back on failure) and keeps other connections valid,
   * which renaming a file over theirs would not.
   */
  async restore(target: DatabaseTarget, file: string, steps: RestoreSteps) {
    const { default: Database } = await import('better-sqlite3')
    const temp = join(dirname(target.file!), `.${basename(target.file!)}.mig-restore-${randomBytes(4).toString('hex')}`)
    const removeTemp = () => Promise.all(['', '-journal', '-wal', '-shm'].map((s) => rm(`${temp}${s}`, { force: true })))
    try {
      const source = new Database(file, { readonly: true, fileMustExist: true })
      try {
        await source.backup(temp)
      } finally {
        source.close()
      }
      await handOver(() => connect(temp), steps)
      const ready = new Database(temp, { readonly: true, fileMustExist: true })
      try {
        await ready.backup(target.file!)
      } finally {
        ready.close()
      }
    } catch (error) {
      throw notChanged(target, error)
    } finally {
      await removeTemp()
    }
  },
}
