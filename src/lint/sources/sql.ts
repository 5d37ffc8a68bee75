import { readFile } from 'node:fs/promises'
import { mysqlSplitterOptions, postgreSplitterOptions, splitQuery, sqliteSplitterOptions } from 'dbgate-query-splitter'
import type { Migration } from '../../adapter.js'
import { wantsNoTransaction } from '../../adapters/sql/statements.js'
import type { Dialect } from '../../db/types.js'
import type { LintMigration } from '../types.js'

// The splitter the sql adapter runs files with, so lint sees the statements that will run.
const options = { postgres: postgreSplitterOptions, mysql: mysqlSplitterOptions, sqlite: sqliteSplitterOptions } as const

interface Rich {
  text: string
  trimStart?: { line: number }
  start: { line: number }
}

const leadingComments = /^(?:\s+|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)*/

/** A script's statements with the 1-based line each starts on (after its leading comments). */
export function statementsOf(text: string, dialect: Dialect): { sql: string; line: number }[] {
  const items = splitQuery(text, { ...options[dialect], returnRichInfo: true }) as Rich[]
  return items.flatMap((item) => {
    const skipped = leadingComments.exec(item.text)![0]
    const sql = item.text.slice(skipped.length)
    if (!sql.trim()) return []
    const line = (item.trimStart ?? item.start).line + 1 + (skipped.match(/\n/g)?.length ?? 0)
    return [{ sql, line }]
  })
}

/** A plain-SQL migration as lint reads it: its `.up.sql` file. */
export async function sqlLintMigration(project: string, migration: Migration, dialect: Dialect): Promise<LintMigration> {
  const file = migration.files.find((f) => f.endsWith('.up.sql'))!
  const source = await readFile(file, 'utf8')
  return {
    project,
    tool: 'sql',
    id: migration.id,
    file,
    dialect,
    // As the sql adapter runs it: one transaction unless the file opts out; MySQL's DDL commits on its own.
    transactional: dialect !== 'mysql' && !wantsNoTransaction(source),
    reversible: migration.reversible,
    statements: statementsOf(source, dialect),
    source,
  }
}
