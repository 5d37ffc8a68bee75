import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import type { Db, DatabaseTarget } from './types.js'

/** Shown to other sessions (pg_stat_activity) so a waiter can say who holds the lock. */
export const applicationName = (): string => `mig pid ${process.pid} on ${hostname()}`.slice(0, 63)

/** Open a connection. Drivers load here, lazily: `mig --help` never loads one. */
export async function connect(target: DatabaseTarget): Promise<Db> {
  switch (target.dialect) {
    case 'postgres':
      return (await import('./postgres.js')).connectPostgres(target)
    case 'mysql':
      return (await import('./mysql.js')).connectMysql(target)
    case 'sqlite':
      return (await import('./sqlite.js')).connectSqlite(target)
  }
}

/**
 * For commands that only read (status, log): a SQLite file that does not exist
 * yet is an empty database, not a file to create. Everything else connects as usual.
 */
export async function connectExisting(target: DatabaseTarget): Promise<Db> {
  if (target.dialect !== 'sqlite' || !target.file || existsSync(target.file)) return connect(target)
  const nothing = async () => {
    throw new Error(`${target.display} does not exist yet, and this command only reads`)
  }
  return { dialect: 'sqlite', target, query: async () => [], run: nothing, runScript: nothing, tableExists: async () => false, close: async () => {} }
}
