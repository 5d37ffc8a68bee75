import type { DialectDriver } from '../driver.js'
import { cancelInFlight, settle } from './activity.js'
import { postgresBackup } from './backup.js'
import { dropDatabase, listTables, serverVersion, tableExists } from './catalog.js'
import { connectionLost, connectFailure } from './errors.js'
import { postgresLock } from './lock.js'

export const driver: DialectDriver = {
  dialect: 'postgres',
  // pg loads with the first connection, not with this folder.
  connect: async (target, options) => (await import('./connect.js')).connectPostgres(target, options),
  schemas: true,
  lock: postgresLock,
  backup: postgresBackup,
  tableExists,
  listTables,
  serverVersion,
  beginSql: 'BEGIN',
  serialPk: 'BIGSERIAL PRIMARY KEY',
  dropDatabase,
  connectFailure,
  connectionLost,
  cancelInFlight,
  settle,
  snapshot: async (db, options) => (await import('./snapshot.js')).snapshot(db, options),
  scratch: async () => (await import('./scratch.js')).postgresScratch,
}
