import mysql from 'mysql2/promise'
import { connectionError } from '../connection-errors.js'
import type { Db, DatabaseTarget } from '../types.js'
import { tableExists } from './catalog.js'
import { connectFailure } from './errors.js'

export async function connectMysql(target: DatabaseTarget): Promise<Db> {
  let connection: mysql.Connection
  try {
    connection = await mysql.createConnection({ uri: target.url, connectTimeout: 10_000, dateStrings: true, supportBigNumbers: true })
  } catch (error) {
    throw connectionError(target, error, connectFailure)
  }
  // A dropped connection must not crash the process; the next query reports it, lost() says so at once.
  let gone = false
  connection.on('error', () => {
    gone = true
  })
  connection.on('end', () => {
    gone = true
  })
  const self: Db = {
    dialect: 'mysql',
    target,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const [rows] = await connection.query(sql, params as mysql.QueryValues)
      return (Array.isArray(rows) ? rows : []) as T[]
    },
    async run(sql: string, params: readonly unknown[] = []) {
      await connection.query(sql, params as mysql.QueryValues)
    },
    async runScript(sql: string) {
      const { splitStatements } = await import('../../adapters/sql/statements.js')
      for (const statement of splitStatements(sql, 'mysql')) {
        try {
          await connection.query(statement)
        } catch (error) {
          throw Object.assign(error as Error, { statement })
        }
      }
    },
    tableExists(table: string, schema?: string) {
      return tableExists(self, table, schema)
    },
    async close() {
      gone = true
      await connection.end().catch(() => {})
    },
    lost: () => gone,
  }
  return self
}
