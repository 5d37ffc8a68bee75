import { createReadStream } from 'node:fs'
import type { DatabaseTarget, Db } from '../db/types.js'
import { serverParts } from './connection.js'
import { runTool, toolVersion } from './tools.js'
import type { BackupDriver } from './types.js'

/** libpq reads the password from PGPASSWORD: it never reaches argv. */
function pgArgs(target: DatabaseTarget) {
  const p = serverParts(target)
  return {
    args: ['--no-password', '-h', p.host, '-p', p.port, ...(p.user ? ['-U', p.user] : [])],
    env: { ...(p.password ? { PGPASSWORD: p.password } : {}), PGAPPNAME: 'mig backup' },
    database: p.database,
  }
}

export const postgresBackup: BackupDriver = {
  extension: 'dump',
  tool: () => toolVersion('pg_dump'),
  async dump(target, file) {
    const { args, env, database } = pgArgs(target)
    const r = await runTool({ command: 'pg_dump', args: ['-Fc', ...args, '-d', database], env, stdoutTo: file })
    return { sha256: r.sha256!, size: r.size! }
  },
  /**
   * The whole database: drop every user schema (so tables created after the
   * backup go too), recreate public, then pg_restore everything, ledgers
   * included. The recreated public schema is owned by the restoring user.
   */
  async restore(target, file, db: Db) {
    const schemas = await db.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'",
    )
    for (const { nspname } of schemas) await db.run(`DROP SCHEMA "${nspname.replace(/"/g, '""')}" CASCADE`)
    await db.run('CREATE SCHEMA public')
    const { args, env, database } = pgArgs(target)
    await runTool({ command: 'pg_restore', args: ['--exit-on-error', '--no-owner', ...args, '-d', database], env, stdinFrom: createReadStream(file) })
  },
}
