import Database from 'better-sqlite3'
import { connectionError } from './connection-errors.js'
import { tableExistsIn } from './catalog.js'
import type { Db, DatabaseTarget } from './types.js'

interface Shared {
  db: Database.Database
  refs: number
  cache: Map<string, Database.Statement>
}

/**
 * One connection per file per process, shared by the adapter's session and
 * core's lock and journal. With two, every DDL one makes forces the other to
 * re-read the whole schema before its next statement: quadratic over a long
 * run of migrations. better-sqlite3 is synchronous, so sharing is safe as long
 * as callers do not interleave transactions, and mig runs one step at a time.
 */
const open = new Map<string, Shared>()

export async function connectSqlite(target: DatabaseTarget): Promise<Db> {
  const file = target.file ?? ''
  let shared = open.get(file)
  if (!shared) {
    try {
      const db = new Database(file)
      db.pragma('busy_timeout = 10000')
      shared = { db, refs: 0, cache: new Map() }
    } catch (error) {
      throw connectionError(target, error)
    }
    open.set(file, shared)
  }
  shared.refs++
  const { db, cache } = shared
  let closed = false
  const prepare = (sql: string): Database.Statement => {
    let statement = cache.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      if (cache.size < 64) cache.set(sql, statement)
    }
    return statement
  }
  const self: Db = {
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
    async runScript(sql: string) {
      db.exec(sql)
    },
    tableExists(table: string, schema?: string) {
      return tableExistsIn(self, table, schema)
    },
    async close() {
      if (closed) return
      closed = true
      if (--shared.refs === 0) {
        open.delete(file)
        if (db.open) db.close()
      }
    },
  }
  return self
}
