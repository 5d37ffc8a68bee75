import type { Db } from '../../db/types.js'
import { quoteName } from './quote.js'

/** Which ledger table to read, for `readLedgerTable`. */
export interface LedgerTable {
  table: string
  /** Its schema, when the tool keeps it outside the connection's own. */
  schema?: string | undefined
  columns: readonly string[]
  /** A column to order the rows by. */
  orderBy?: string
}

/**
 * The rows of a tool's ledger table through core's connection, so `list()`
 * answers without loading the tool: none when the table does not exist yet.
 * Names are quoted as the dialect quotes them (the tools keep their case:
 * `SequelizeMeta`).
 */
export async function readLedgerTable<T>(db: Db, ledger: LedgerTable): Promise<T[]> {
  if (!(await db.tableExists(ledger.table, ledger.schema))) return []
  const q = (name: string) => quoteName(db.dialect, name)
  const table = quoteName(db.dialect, ledger.table, ledger.schema)
  const order = ledger.orderBy ? ` ORDER BY ${q(ledger.orderBy)}` : ''
  return db.query<T>(`SELECT ${ledger.columns.map((c) => q(c)).join(', ')} FROM ${table}${order}`)
}
