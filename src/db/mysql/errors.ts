import type { ConnectFailure, DriverError } from '../driver.js'

/** mysql2's codes, and the server's errno for clients that give only that (1045 access denied, 1698 MariaDB's for an unknown user, 1049 unknown database). */
export function connectFailure(e: DriverError): ConnectFailure | undefined {
  if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045 || e.errno === 1698) return { kind: 'auth' }
  if (e.code === 'ER_BAD_DB_ERROR' || e.errno === 1049)
    return { kind: 'missing-database', create: (database) => `CREATE DATABASE \`${database}\`` }
  return undefined
}

/** 1927 (ER_CONNECTION_KILLED): MariaDB's KILL of this connection; the messages are mysql2's for a closed socket. */
export const connectionLost = (e: DriverError): boolean =>
  e.code === 'PROTOCOL_CONNECTION_LOST' ||
  e.code === 'ER_CONNECTION_KILLED' ||
  e.errno === 1927 ||
  /Connection is closed|connection is in closed state/i.test(e.message ?? '')
