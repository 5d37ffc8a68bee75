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
