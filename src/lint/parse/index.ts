import type { Dialect } from '../../db/types.js'
import { errorMessage } from '../../output/errors.js'
import type { Analyzed, LintMigration, Op } from '../types.js'
import { loadNodeSql, parseNodeSql } from './node-sql.js'
import { loadPostgres, parsePostgres } from './postgres.js'
import { tokenCheck } from './tokens.js'

/** What one parser makes of one statement. */
export interface Parsed {
  ops: Op[]
  ddl: boolean
}

/** Load the dialect's parser: only `mig lint` pays for it, and only for the dialects it meets. */
export async function loadParser(dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await loadPostgres()
  else await loadNodeSql(dialect)
}

function parse(sql: string, dialect: Dialect): Parsed {
  return dialect === 'postgres' ? parsePostgres(sql) : parseNodeSql(sql, dialect)
}

/** Each statement through the dialect's parser; the token check where the parser refuses it. */
export async function analyze(migration: LintMigration): Promise<Analyzed[]> {
  await loadParser(migration.dialect)
  return migration.statements.map(({ sql, line }) => {
    const at = line === undefined ? {} : { line }
    try {
      return { sql, ...at, parsed: true, ...parse(sql, migration.dialect) }
    } catch (error) {
      return { sql, ...at, parsed: false, error: errorMessage(error).split('\n')[0]!, ...tokenCheck(sql) }
    }
  })
}
