import { existsSync } from 'node:fs'
import { loadDriver } from './drivers.js'
import type { Db, DatabaseTarget } from './types.js'

/** Open a connection through its dialect's driver, loaded here on first use. */
export async function connect(target: DatabaseTarget): Promise<Db> {
  return (await loadDriver(target.dialect)).connect(target)
}

/**
 * For commands that only read (status, log): a SQLite file that does not exist
 * yet is an empty database, not a file to create. Everything else connects as usual.
 */
export async function connectExisting(target: DatabaseTarget): Promise<Db> {
  if (target.dialect !== 'sqlite' || !target.file || existsSync(target.file)) return connect(target)
  // Its driver is loaded all the same, for core's catalog calls on this Db; better-sqlite3 is not.
  await loadDriver('sqlite')
  const nothing = async () => {
    throw new Error(`${target.display} does not exist yet, and this command only reads`)
  }
  return {
    dialect: 'sqlite',
    target,
    query: async () => [],
    run: nothing,
    runScript: nothing,
    tableExists: async () => false,
    close: async () => {},
  }
}
