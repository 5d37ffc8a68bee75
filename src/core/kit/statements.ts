import type { RunOptions } from '../../adapter.js'
import { beginSql } from '../../db/catalog.js'
import type { Db } from '../../db/types.js'
import { errorMessage } from '../../output/errors.js'
import { migrationFailure } from './capture.js'

/** How a migration's SQL runs on core's connection: RunOptions' capture, progress and signal, and how the tool wraps it. */
export interface SqlRun extends Pick<RunOptions, 'capture' | 'progress' | 'signal'> {
  /**
   * `script`: the whole text as the dialect's own client runs a script
   * (`Db.runScript`: PostgreSQL one simple query, which the server makes one
   * implicit transaction; SQLite one batch; MySQL statement by statement),
   * captured as one. `statements` (default): split by the dialect's splitter
   * and run one by one, each captured, `progress` after each, stopping
   * between them when `signal` aborts.
   */
  as?: 'script' | 'statements'
  /** With `statements`: wrap them, and `record`, in one transaction. */
  transactional?: boolean
  /** With `statements`: the tool's ledger write, after the last statement, in the transaction when there is one. */
  record?: () => Promise<void>
  /** Said before the error's message, e.g. the file's name. */
  label?: string
}

/**
 * Run a migration's SQL on `db`. A failure is a MigrationFailure naming the
 * statement, and partial when some of it may stay applied: a statement ran
 * before it with no transaction to undo it (or on MySQL, whose DDL commits).
 */
export async function runSql(db: Db, sql: string, run: SqlRun = {}): Promise<void> {
  const fail = (error: unknown, statement: string | undefined, partial: boolean): Error =>
    migrationFailure(error, {
      statement,
      partial,
      always: true,
      ...(run.label ? { message: `${run.label}: ${errorMessage(error)}` } : {}),
    })
  if (run.as === 'script') {
    run.capture?.(sql)
    try {
      await db.runScript(sql)
    } catch (error) {
      throw fail(error, (error as { statement?: string }).statement, db.dialect !== 'postgres')
    }
    return
  }
  // Loaded on first use: the splitter is not needed to list or show status.
  const { splitStatements } = await import('../../adapters/sql/statements.js')
  const statements = splitStatements(sql, db.dialect)
  const transaction = run.transactional ?? false
  if (transaction) await db.run(beginSql(db))
  let index = 0
  try {
    for (; index < statements.length; index++) {
      if (index > 0) await stopIfAborted(run.signal)
      const statement = statements[index]!
      run.capture?.(statement)
      await db.run(statement)
      await run.progress?.(index + 1, statements.length)
    }
    await stopIfAborted(run.signal)
    await run.record?.()
    if (transaction) await db.run('COMMIT')
  } catch (error) {
    if (transaction) await db.run('ROLLBACK').catch(() => {})
    throw fail(error, statements[index], index > 0 && (!transaction || db.dialect === 'mysql'))
  }
}

/**
 * Throw when the run was interrupted. Two turns of the event loop first: a
 * signal that arrived while a synchronous statement ran (SQLite) is handled
 * in the loop's poll phase, which one setImmediate may not reach.
 */
async function stopIfAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return
  for (let turn = 0; turn < 2 && !signal.aborted; turn++) await new Promise((resolve) => setImmediate(resolve))
  if (signal.aborted) throw new Error('interrupted before the next statement')
}
