import type { DialectDriver } from '../driver.js'
import { sqliteBackup } from './backup.js'
import { listTables, serverVersion, tableExists } from './catalog.js'
import { connectionLost, connectFailure } from './errors.js'
import { sqliteLock } from './lock.js'

export const driver: DialectDriver = {
  dialect: 'sqlite',
  // better-sqlite3 loads with the first connection, not with this folder: a status on a file not created yet needs none.
  connect: async (target) => (await import('./connect.js')).connectSqlite(target),
  lock: sqliteLock,
  backup: sqliteBackup,
  tableExists,
  listTables,
  serverVersion,
  // IMMEDIATE takes the write lock at BEGIN: a busy file fails there, not halfway through a migration.
  beginSql: 'BEGIN IMMEDIATE',
  serialPk: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  connectFailure,
  connectionLost,
  snapshot: async (db, options) => (await import('./snapshot.js')).snapshot(db, options),
  scratch: async () => (await import('./scratch.js')).sqliteScratch,
}
