import type { DialectDriver } from '../driver.js'
import { mysqlBackup } from './backup.js'
import { dropDatabase, listTables, serverVersion, tableExists } from './catalog.js'
import { connectionLost, connectFailure } from './errors.js'
import { mysqlLock } from './lock.js'

export const driver: DialectDriver = {
  dialect: 'mysql',
  // mysql2 loads with the first connection, not with this folder.
  connect: async (target) => (await import('./connect.js')).connectMysql(target),
  lock: mysqlLock,
  backup: mysqlBackup,
  tableExists,
  listTables,
  serverVersion,
  beginSql: 'START TRANSACTION',
  serialPk: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
  dropDatabase,
  connectFailure,
  connectionLost,
  snapshot: async (db, options) => (await import('./snapshot.js')).snapshot(db, options),
  scratch: async () => (await import('./scratch.js')).mysqlScratch,
}
