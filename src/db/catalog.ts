import type { Db } from './types.js'

/** Does `table` exist in the connection's current database/schema search path? */
export async function tableExists(db: Db, table: string): Promise<boolean> {
  switch (db.dialect) {
    case 'postgres':
      return (await db.query<{ t: string | null }>('SELECT to_regclass(?)::text AS t', [table]))[0]?.t != null
    case 'mysql':
      return (await db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [table])).length > 0
    case 'sqlite':
      return (await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table])).length > 0
  }
}

export const beginSql = (db: Db): string => (db.dialect === 'mysql' ? 'START TRANSACTION' : db.dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN')

/** Column type for an auto-incrementing primary key. */
export const serialPk = (db: Db): string =>
  db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : db.dialect === 'mysql' ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'
