import type { Project } from '../config/projects.js'
import { connectExisting } from '../db/connect.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'

/**
 * The rows of a fleet's targets query, read from its control database with
 * mig's own driver: in a read-only transaction (PostgreSQL, MariaDB; SQLite
 * query_only), under a statement timeout where the server has one, and raced
 * against `timeoutMs` in any case. The password never reaches the message:
 * `display` is redacted, and every line is redacted again on output.
 */
export async function readTargetsQuery(project: Project, control: DatabaseTarget, query: string, timeoutMs: number): Promise<unknown[]> {
  const failed = (error: unknown): MigError =>
    new MigError(
      'TARGETS_QUERY',
      `${project.name}: the targets query failed on ${control.display}: ${errorMessage(error).split('\n')[0]}`,
      'check targets.query and targets.url in mig.config.json: the query must return the columns name and url (or name and schema)',
      { cause: error },
    )
  let db: Db | undefined
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
  })
  const work = async (): Promise<unknown[]> => {
    db = await connectExisting(control)
    await readOnly(db, timeoutMs)
    const rows = await db.query(query)
    if (db.dialect !== 'sqlite') await db.run('ROLLBACK').catch(() => {})
    return rows
  }
  try {
    return await Promise.race([work(), timeout])
  } catch (error) {
    throw failed(error)
  } finally {
    clearTimeout(timer)
    // A connection still busy with a query that timed out is closed under it.
    await (db as Db | undefined)?.close().catch(() => {})
  }
}

/** Nothing the query does can write: a read-only transaction with a statement timeout, per dialect. */
async function readOnly(db: Db, timeoutMs: number): Promise<void> {
  if (db.dialect === 'postgres') {
    await db.run('BEGIN READ ONLY')
    await db.run(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`)
  } else if (db.dialect === 'mysql') {
    // MariaDB's max_statement_time (seconds); MySQL's max_execution_time (ms, SELECT only). Each ignores the other's.
    await db.run(`SET SESSION max_statement_time = ${Math.max(1, Math.ceil(timeoutMs / 1000))}`).catch(() => {})
    await db.run(`SET SESSION max_execution_time = ${Math.max(1, Math.floor(timeoutMs))}`).catch(() => {})
    await db.run('START TRANSACTION READ ONLY')
  } else {
    await db.run('PRAGMA query_only = ON')
  }
}
