import { driverOf } from './drivers.js'
import type { Db } from './types.js'

/** What core asks of a connection's catalog, answered by its dialect's driver. */
export const tableExists = (db: Db, table: string): Promise<boolean> => db.tableExists(table)

export const beginSql = (db: Db): string => driverOf(db).beginSql

/** Column type for an auto-incrementing primary key. */
export const serialPk = (db: Db): string => driverOf(db).serialPk

export const serverVersion = (db: Db): Promise<string> => driverOf(db).serverVersion(db)
