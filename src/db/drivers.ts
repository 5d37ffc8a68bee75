import { connectionLostIn } from './connection-errors.js'
import type { DialectDriver } from './driver.js'
import type { Db, Dialect } from './types.js'

/** Each dialect's folder, imported on first use: `mig --help` loads none of them, a SQLite project never loads pg. */
const folders: Record<Dialect, () => Promise<{ driver: DialectDriver }>> = {
  postgres: () => import('./postgres/index.js'),
  mysql: () => import('./mysql/index.js'),
  sqlite: () => import('./sqlite/index.js'),
}

const loaded = new Map<Dialect, DialectDriver>()

/** The dialect's driver, loading its folder the first time. */
export async function loadDriver(dialect: Dialect): Promise<DialectDriver> {
  let driver = loaded.get(dialect)
  if (!driver) {
    driver = (await folders[dialect]()).driver
    loaded.set(dialect, driver)
  }
  return driver
}

/**
 * The driver of an open connection. Every `Db` comes from `connect`, which
 * loaded its driver first, so this needs no await.
 */
export function driverOf(db: Pick<Db, 'dialect'>): DialectDriver {
  const driver = loaded.get(db.dialect)
  if (!driver) throw new Error(`no ${db.dialect} driver loaded: connections come from connect()`)
  return driver
}

/**
 * Did the connection die under a query? Asked of the drivers loaded: an
 * error can only come from a connection one of them opened (an ORM's own
 * client talks to a database core has connected to as well).
 */
export const isConnectionLost = (error: unknown): boolean => connectionLostIn(error, [...loaded.values()])
