import type { Db } from './types.js'

type Query = Pick<Db, 'dialect' | 'query'>

/** Does `table` exist in `schema`, else in the connection's current database/schema search path? */
export async function tableExistsIn(db: Query, table: string, schema?: string): Promise<boolean> {
  switch (db.dialect) {
    case 'postgres':
      return schema
        ? (await db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, table])).length > 0
        : (await db.query<{ t: string | null }>('SELECT to_regclass(quote_ident(?))::text AS t', [table]))[0]?.t != null
    case 'mysql':
      return (await db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?', [schema ?? null, table])).length > 0
    case 'sqlite':
      return (await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table])).length > 0
  }
}

export const tableExists = (db: Db, table: string): Promise<boolean> => db.tableExists(table)

export const beginSql = (db: Db): string => (db.dialect === 'mysql' ? 'START TRANSACTION' : db.dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN')

/** Column type for an auto-incrementing primary key. */
export const serialPk = (db: Db): string =>
  db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : db.dialect === 'mysql' ? 'BIGINT AUTO_INCREMENT PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'
