import Database from 'better-sqlite3'
import { connectionError } from './connection-errors.js'
import type { Db, DatabaseTarget } from './types.js'

export async function connectSqlite(target: DatabaseTarget): Promise<Db> {
  let db: Database.Database
  try {
    db = new Database(target.file ?? '')
    db.pragma('busy_timeout = 10000')
  } catch (error) {
    throw connectionError(target, error)
  }
  const cache = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
    let statement = cache.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      if (cache.size < 64) cache.set(sql, statement)
    }
    return statement
  }
  return {
    dialect: 'sqlite',
    target,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const statement = prepare(sql)
      if (statement.reader) return statement.all(...params) as T[]
      statement.run(...params)
      return []
    },
    async run(sql: string, params: readonly unknown[] = []) {
      if (params.length) prepare(sql).run(...params)
      else db.exec(sql)
    },
    async close() {
      if (db.open) db.close()
    },
  }
}
