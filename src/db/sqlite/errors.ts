import type { ConnectFailure, DriverError } from '../driver.js'

/** A file cannot be "unreachable": the one connect failure SQLite has is a file it cannot open or create. */
export const connectFailure = (e: DriverError): ConnectFailure | undefined => (e.code === 'SQLITE_CANTOPEN' ? { kind: 'cannot-open' } : undefined)

/** better-sqlite3 runs in this process: there is no connection to lose. */
export const connectionLost = (): boolean => false
