import { mysqlSplitterOptions, postgreSplitterOptions, splitQuery, sqliteSplitterOptions } from 'dbgate-query-splitter'
import type { Dialect } from '../../db/types.js'

const options = { postgres: postgreSplitterOptions, mysql: mysqlSplitterOptions, sqlite: sqliteSplitterOptions } as const

const onlyComments = (sql: string): boolean =>
  sql
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/--[^\n]*/g, '')
    .trim() === ''

/** Split a script into statements the way the dialect's own client would (strings, dollar quotes, BEGIN…END, DELIMITER). */
export function splitStatements(sql: string, dialect: Dialect): string[] {
  return (splitQuery(sql, options[dialect]) as string[]).filter((s) => !onlyComments(s))
}

/** `-- mig:no-transaction` on a line of its own: run the file outside a transaction (CREATE INDEX CONCURRENTLY, …). */
export const wantsNoTransaction = (sql: string): boolean => /^\s*--\s*mig:no-transaction\b/m.test(sql)
