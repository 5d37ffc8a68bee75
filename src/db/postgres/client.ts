import type { DatabaseTarget } from '../types.js'
import { serverParts } from '../url.js'

/** libpq reads the password from PGPASSWORD: it never reaches argv. */
export function pgArgs(target: DatabaseTarget, application: string) {
  const p = serverParts(target)
  return {
    args: ['--no-password', '-h', p.host, '-p', p.port, ...(p.user ? ['-U', p.user] : [])],
    env: { ...(p.password ? { PGPASSWORD: p.password } : {}), PGAPPNAME: application },
    database: p.database,
  }
}
