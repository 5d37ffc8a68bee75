/** Exit codes shared by every command (DESIGN.md §5). */
export const ExitCode = { ok: 0, error: 1, usage: 2 } as const

/**
 * The one error type commands turn into output: a stable code, a one-line
 * message saying what happened and where, and a hint saying how to fix it.
 */
export class MigError extends Error {
  readonly code: string
  readonly hint: string | undefined
  readonly exit: number
  /** Further lines, e.g. every problem found in a config file. */
  readonly details: string[]
  /** The database it concerns, when known (a connection failure): status still shows it. */
  readonly database: { dialect: string; url: string } | undefined
  /** With --json, fields of the command's own result to print beside the error (what a failed run did before it failed). */
  result: Record<string, unknown> | undefined

  constructor(
    code: string,
    message: string,
    hint?: string,
    options: { exit?: number; cause?: unknown; details?: string[]; database?: { dialect: string; url: string } } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'MigError'
    this.code = code
    this.hint = hint
    this.exit = options.exit ?? ExitCode.error
    this.details = options.details ?? []
    this.database = options.database
    this.result = undefined
  }
}

export const usageError = (code: string, message: string, hint?: string): MigError =>
  new MigError(code, message, hint, { exit: ExitCode.usage })

/**
 * Thrown by an adapter when a migration fails. `statement` is the SQL that
 * broke, when known; `partial` says some of it may have been applied (no
 * transaction could cover it, e.g. DDL on MySQL), so the database needs a look.
 */
export class MigrationFailure extends Error {
  readonly statement: string | undefined
  readonly partial: boolean
  /** The adapter cannot tell whether the migration's COMMIT ran: core reads the ledger again, as after a lost connection. */
  readonly unknown: boolean

  constructor(message: string, options: { statement?: string; partial?: boolean; unknown?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'MigrationFailure'
    this.statement = options.statement
    this.partial = options.partial ?? false
    this.unknown = options.unknown ?? false
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))
