import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { chmod } from 'node:fs/promises'
import { connect } from '../db/connect.js'
import type { DatabaseTarget } from '../db/types.js'
import { parseDatabaseUrl } from '../db/url.js'
import type { BackupDriver } from './types.js'

export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { sha256: hash.digest('hex'), size }
}

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
    const copy = await connect(parseDatabaseUrl(`sqlite:${file}`, '/'))
    try {
      if (await copy.tableExists('mig_lock')) await copy.run('DELETE FROM mig_lock')
    } finally {
      await copy.close()
    }
    return hashFile(file)
  },
  /**
   * The online backup API in reverse: the backup's pages are copied into the
   * live file under SQLite's own locking, so other connections see the
   * restored database (a file renamed over theirs would not).
   */
  async restore(target: DatabaseTarget, file: string) {
    const { default: Database } = await import('better-sqlite3')
    const source = new Database(file, { readonly: true, fileMustExist: true })
    try {
      await source.backup(target.file!)
    } finally {
      source.close()
    }
  },
}
