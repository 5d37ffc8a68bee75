import { existsSync } from 'node:fs'
import { loadDriver } from './drivers.js'
import type { ConnectOptions, Db, DatabaseTarget } from './types.js'
import { schemaUnsupported } from './url.js'

/** Open a connection through its dialect's driver, loaded here on first use. A schema target on a dialect without schemas is refused. */
export async function connect(target: DatabaseTarget, options: ConnectOptions = {}): Promise<Db> {
  const driver = await loadDriver(target.dialect)
  if (target.schema !== undefined && !driver.schemas) throw schemaUnsupported(target, target.schema)
  return driver.connect(target, options)
}

/**
 * For commands that only read (status, log): a SQLite file that does not exist
 * yet is an empty database, not a file to create; so is a PostgreSQL
 * target's schema (its search_path names it all the same, and finds nothing).
 */
export async function connectExisting(target: DatabaseTarget): Promise<Db> {
  if (target.dialect !== 'sqlite' || !target.file || existsSync(target.file)) return connect(target, { readOnly: true })
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
