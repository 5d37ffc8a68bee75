import { MigError, MigrationFailure, errorMessage } from '../../output/errors.js'

const transactionControl = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b/i

const escape = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Is `sql` the tool's bookkeeping rather than the migration's own
 * statement: transaction control, or a query naming one of the tool's
 * `ledger` tables (its ledger, its lock, the catalog lookups for them) as
 * a whole identifier or quoted name?
 */
export function isLedgerQuery(sql: string, ledger: readonly string[]): boolean {
  if (transactionControl.test(sql)) return true
  // SQLite names a table's implicit unique index sqlite_autoindex_<table>_<n>: sequelize reads it with PRAGMA index_info.
  return ledgerPattern(ledger).test(sql)
}

/**
 * One pattern for a ledger's names, made once per set of names: a tool logs
 * every query, and a run has thousands. Kept by the names, not the array: an
 * adapter hands a new array for each migration.
 */
const patterns = new Map<string, RegExp>()
function ledgerPattern(ledger: readonly string[]): RegExp {
  const key = ledger.join('\0')
  let pattern = patterns.get(key)
  if (!pattern) {
    const names = ledger.length ? ledger.map(escape).join('|') : '(?!)'
    pattern = new RegExp(`(?<![\\w$])(?:(?:${names})(?![\\w$])|sqlite_autoindex_(?:${names})_\\d+)`)
    patterns.set(key, pattern)
  }
  return pattern
}

/** The migration's own statements, heard from the tool's query log while it runs. */
export interface StatementRecorder {
  /** Give it every query the tool logs; the migration's own go on to `capture`. */
  hear(sql: string): void
  /** The last of the migration's own statements: the one that failed, when the run fails. */
  readonly last: string | undefined
}

export function statementRecorder(capture: ((sql: string) => void) | undefined, ledger: readonly string[]): StatementRecorder {
  let last: string | undefined
  return {
    hear(sql) {
      if (isLedgerQuery(sql, ledger)) return
      last = sql
      capture?.(sql)
    },
    get last() {
      return last
    },
  }
}

export interface FailureDetails {
  /** The statement that failed, when known. */
  statement?: string | undefined
  /** Some of the migration may have been applied: no transaction covered it. */
  partial: boolean
  /** The message, when not the error's own (e.g. the file's name before it). */
  message?: string
  /** Wrap a MigError too: the error came from running the SQL itself (core's driver says DB_BUSY), not from the adapter's checks. */
  always?: boolean
  /** Whether the migration's COMMIT ran is not known (it went with what failed, and the ledger could not be read back): core reads it again on a new connection. */
  unknown?: boolean
}

/**
 * What an adapter throws when a migration fails: a MigError (bad input the
 * adapter found itself) as it is unless `always`, anything else as a MigrationFailure
 * carrying the statement and whether part of it may be applied.
 */
export function migrationFailure(error: unknown, details: FailureDetails): Error {
  if (error instanceof MigrationFailure || (error instanceof MigError && !details.always)) return error
  const { statement, partial, message, unknown } = details
  return new MigrationFailure(message ?? errorMessage(error), { ...(statement ? { statement } : {}), partial, unknown, cause: error })
}
