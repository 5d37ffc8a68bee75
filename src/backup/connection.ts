import type { DatabaseTarget } from '../db/types.js'

/**
 * Host, port, user and database of a server URL, for client tools' flags;
 * the password separately, for the environment or an options file. A
 * password given as `?password=` (libpq and mysql2 both accept it) counts too.
 */
export function serverParts(target: DatabaseTarget) {
  const url = new URL(target.url)
  return {
    host: url.hostname || 'localhost',
    port: url.port || (target.dialect === 'postgres' ? '5432' : '3306'),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password) || (url.searchParams.get('password') ?? ''),
    database: target.database ?? decodeURIComponent(url.pathname.replace(/^\//, '')),
  }
}
