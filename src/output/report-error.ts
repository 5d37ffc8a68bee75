import { ExitCode, MigError, errorMessage } from './errors.js'
import { redact, redactValue } from './redact.js'

/** Any error as a MigError: an unexpected one becomes INTERNAL, its stack kept for --debug. */
export const asMigError = (error: unknown): MigError =>
  error instanceof MigError
    ? error
    : new MigError(
        'INTERNAL',
        errorMessage(error).split('\n')[0] ?? 'unexpected error',
        'run again with --debug for the stack trace, and report it if it persists',
        { cause: error },
      )

/**
 * Report an error as every mig command does (MigCommand.catch, and the fast
 * dispatcher once a command has started): one line, details, a hint, or one
 * JSON object with --json; the stack only with --debug. Returns the exit code.
 */
export function reportError(migError: MigError, options: { json: boolean; debug: boolean; usageExit: number; stack?: string }): number {
  const exit = migError.exit === ExitCode.usage ? options.usageExit : migError.exit
  if (options.json) {
    const body = {
      ...migError.result,
      error: {
        code: migError.code,
        message: migError.message,
        ...(migError.hint ? { hint: migError.hint } : {}),
        details: migError.details,
      },
      exitCode: exit,
    }
    process.stdout.write(`${JSON.stringify(redactValue(body), null, 2)}\n`)
  } else {
    process.stderr.write(`${redact(`Error: ${migError.message}`)}\n`)
    for (const line of migError.details) process.stderr.write(`  ${redact(line)}\n`)
    if (migError.hint) process.stderr.write(`${redact(`Hint: ${migError.hint}`)}\n`)
  }
  if (options.debug) process.stderr.write(`${redact(String((migError.cause as Error | undefined)?.stack ?? options.stack ?? ''))}\n`)
  return exit
}
