import type { ConnectFailure, DriverError } from '../driver.js'

/** SQLSTATE classes of a failed connect: invalid password / authorization, unknown database. */
export function connectFailure(e: DriverError): ConnectFailure | undefined {
  if (e.code === '28P01' || e.code === '28000') return { kind: 'auth' }
  if (e.code === '3D000') return { kind: 'missing-database', create: (database) => `createdb ${database}` }
  return undefined
}

/** 57P01: the backend was terminated (pg_terminate_backend, a server shutdown); the rest are pg's messages for a dead socket. */
export const connectionLost = (e: DriverError): boolean =>
  e.code === '57P01' ||
  /Connection terminated|server closed the connection|Client has encountered a connection error|terminating connection|Client was closed and is not queryable/i.test(
    e.message ?? '',
  )
