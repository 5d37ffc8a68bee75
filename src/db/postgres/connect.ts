import type pg from 'pg'
import { connectionError } from '../connection-errors.js'
import type { ConnectOptions, Db, DatabaseTarget, QueryOptions } from '../types.js'
import { applicationName } from './activity.js'
import { loadPg } from './pg-module.js'
import { tableExists } from './catalog.js'
import { connectFailure } from './errors.js'
import { ensureSchema, searchPathOption } from './schema.js'

const numbered = (sql: string): string => {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

export async function connectPostgres(target: DatabaseTarget, options: ConnectOptions = {}): Promise<Db> {
  const client: pg.Client = new (loadPg().Client)({
    connectionString: target.url,
    application_name: applicationName(),
    connectionTimeoutMillis: 10_000,
    // A schema target's search path is set at connect, as the session's default: RESET and DISCARD ALL keep it.
    ...(target.schema !== undefined ? { options: searchPathOption(target.schema) } : {}),
  })
  // A dropped connection after connect must not crash the process; the next query reports it, lost() says so at once.
  let gone = false
  client.on('error', () => {
    gone = true
  })
  client.on('end', () => {
    gone = true
  })
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw connectionError(target, error, connectFailure)
  }
  const self: Db = {
    dialect: 'postgres',
    target,
    async query<T>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}) {
      const text = params.length ? numbered(sql) : sql
      const result = await client.query(
        options.prepare ? { name: options.prepare, text, values: params as unknown[] } : text,
        params as unknown[],
      )
      return result.rows as T[]
    },
    async run(sql: string, params: readonly unknown[] = []) {
      await client.query(params.length ? numbered(sql) : sql, params as unknown[])
    },
    async runScript(sql: string) {
      await client.query(sql)
    },
    tableExists(table: string, schema?: string) {
      return tableExists(self, table, schema)
    },
    async close() {
      gone = true
      await client.end().catch(() => {})
    },
    lost: () => gone,
  }
  if (target.schema !== undefined && !options.readOnly) {
    try {
      await ensureSchema(self, target as DatabaseTarget & { schema: string })
    } catch (error) {
      await self.close()
      throw error
    }
  }
  return self
}
