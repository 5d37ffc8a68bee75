import type { ConnectFailure, DriverError } from '../driver.js'

/**
 * A file cannot be "unreachable": the one connect failure SQLite has is a
 * file it cannot open or create. better-sqlite3 says so with SQLITE_CANTOPEN,
 * except for a missing directory, which it checks first and reports as a
 * plain TypeError without a code.
 */
export const connectFailure = (e: DriverError): ConnectFailure | undefined =>
  e.code === 'SQLITE_CANTOPEN' || /directory does not exist/i.test(e.message ?? '') ? { kind: 'cannot-open' } : undefined

/** better-sqlite3 runs in this process: there is no connection to lose. */
export const connectionLost = (): boolean => false
