import { MigError, errorMessage } from '../output/errors.js'
import { redact } from '../output/redact.js'
import type { ConnectFailure, DialectDriver, DriverError } from './driver.js'
import type { DatabaseTarget } from './types.js'

/** Network failures every driver reports with Node's own codes. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'])

/**
 * Turn a driver's connect failure into a one-line error with a hint. The
 * network is judged here; what the driver's own codes mean, by `classify`
 * (its `connectFailure`).
 */
export function connectionError(
  target: DatabaseTarget,
  error: unknown,
  classify: (e: DriverError) => ConnectFailure | undefined = () => undefined,
): MigError {
  const e = (error ?? {}) as DriverError
  const where = target.display
  const options = { cause: error, database: { dialect: target.dialect, url: target.display } }
  const code = e.code ?? ''
  if (unreachableCodes.has(code) || /timeout/i.test(e.message ?? '')) {
    return new MigError(
      'DB_UNREACHABLE',
      `cannot reach ${where} (${code || 'timed out'})`,
      'is the server running, and are the host and port right?',
      options,
    )
  }
  const failure = classify(e)
  switch (failure?.kind) {
    case 'auth':
      return new MigError(
        'DB_AUTH',
        `authentication failed for user "${userOf(target)}" on ${where}`,
        'check the user and password in the connection URL (or DATABASE_URL)',
        options,
      )
    case 'missing-database':
      return new MigError(
        'DB_MISSING',
        `database "${target.database ?? ''}" does not exist on ${where}`,
        `create it first (${failure.create(target.database ?? '')}) or fix the database name in the URL`,
        options,
      )
    case 'cannot-open':
      return new MigError(
        'DB_SQLITE_OPEN',
        `cannot open SQLite database ${target.file ?? where}`,
        'does its directory exist and is it writable?',
        options,
      )
    default:
      return new MigError(
        'DB_CONNECT',
        `cannot connect to ${where}: ${redact(errorMessage(error))}`,
        'check the connection URL and that the server accepts connections',
        options,
      )
  }
}

function userOf(target: DatabaseTarget): string {
  try {
    return decodeURIComponent(new URL(target.url).username)
  } catch {
    return ''
  }
}

/** A socket cut under any driver. */
const lostCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/** One error of a cause chain: Node's socket codes, else the drivers' own. */
const lostHere = (e: DriverError, drivers: readonly Pick<DialectDriver, 'connectionLost'>[]): boolean =>
  lostCodes.has(e.code ?? '') || /connection lost/i.test(e.message ?? '') || drivers.some((d) => d.connectionLost(e))

/**
 * The connection died under a query (its cause chain included), by Node's
 * socket codes and the given drivers' own: the server may or may not have
 * done what was asked, so its outcome must be read again on a new
 * connection rather than assumed. Core asks through `drivers.ts`, with the
 * drivers it has loaded.
 */
export function connectionLostIn(error: unknown, drivers: readonly Pick<DialectDriver, 'connectionLost'>[]): boolean {
  for (let e = error as (DriverError & { cause?: unknown }) | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (lostHere(e, drivers)) return true
  }
  return false
}
