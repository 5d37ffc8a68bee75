import Database from 'better-sqlite3'
import { connectionError } from '../connection-errors.js'
import type { Db, DatabaseTarget } from '../types.js'
import { BUSY_TIMEOUT_MS, busy } from './busy.js'
import { tableExists } from './catalog.js'
import { connectFailure } from './errors.js'

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
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
      shared = { db, refs: 0, cache: new Map() }
    } catch (error) {
      throw connectionError(target, error, connectFailure)
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
      try {
        const statement = prepare(sql)
        if (statement.reader) return statement.all(...params) as T[]
        statement.run(...params)
        return []
      } catch (error) {
        throw busy(target, error)
      }
    },
    async run(sql: string, params: readonly unknown[] = []) {
      try {
        if (params.length) prepare(sql).run(...params)
        else db.exec(sql)
      } catch (error) {
        throw busy(target, error)
      }
    },
    async runScript(sql: string) {
      try {
        db.exec(sql)
      } catch (error) {
        throw busy(target, error)
      }
    },
    tableExists(table: string) {
      return tableExists(self, table)
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
