import { MigError, errorMessage } from '../output/errors.js'
import { redact } from '../output/redact.js'
import type { DatabaseTarget } from './types.js'

interface DriverError {
  code?: string
  errno?: number
  message?: string
}

/** Turn a driver's connect failure into a one-line error with a hint. */
export function connectionError(target: DatabaseTarget, error: unknown): MigError {
  const e = (error ?? {}) as DriverError
  const where = target.display
  const database = { dialect: target.dialect, url: target.display }
  const code = e.code ?? ''
  const user = userOf(target)
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'].includes(code) || /timeout/i.test(e.message ?? '')) {
    return new MigError('DB_UNREACHABLE', `cannot reach ${where} (${code || 'timed out'})`, 'is the server running, and are the host and port right?', { cause: error, database })
  }
  if (code === '28P01' || code === '28000' || code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045) {
    return new MigError('DB_AUTH', `authentication failed for user "${user}" on ${where}`, 'check the user and password in the connection URL (or DATABASE_URL)', { cause: error, database })
  }
  if (code === '3D000' || code === 'ER_BAD_DB_ERROR' || e.errno === 1049) {
    const create = target.dialect === 'postgres' ? `createdb ${target.database ?? ''}` : `CREATE DATABASE \`${target.database ?? ''}\``
    return new MigError('DB_MISSING', `database "${target.database ?? ''}" does not exist on ${where}`, `create it first (${create}) or fix the database name in the URL`, { cause: error, database })
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new MigError('DB_SQLITE_OPEN', `cannot open SQLite database ${target.file ?? where}`, 'does its directory exist and is it writable?', { cause: error, database })
  }
  return new MigError('DB_CONNECT', `cannot connect to ${where}: ${redact(errorMessage(error))}`, 'check the connection URL and that the server accepts connections', { cause: error, database })
}

function userOf(target: DatabaseTarget): string {
  try {
    return decodeURIComponent(new URL(target.url).username)
  } catch {
    return ''
  }
}

const lostCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'PROTOCOL_CONNECTION_LOST', 'ER_CONNECTION_KILLED', '57P01'])

/**
 * The connection died under a query (its cause chain included): the server
 * may or may not have done what was asked, so its outcome must be read
 * again on a new connection rather than assumed.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let e = error as (DriverError & { cause?: unknown }) | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (lostCodes.has(e.code ?? '') || e.errno === 1927) return true
    if (/Connection terminated|connection lost|server closed the connection|Client has encountered a connection error|Connection is closed|terminating connection|connection is in closed state|Client was closed and is not queryable/i.test(e.message ?? '')) return true
  }
  return false
}
