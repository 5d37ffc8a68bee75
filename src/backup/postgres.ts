import { createReadStream } from 'node:fs'
import { connect } from '../db/connect.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { errorMessage } from '../output/errors.js'
import { serverParts } from './connection.js'
import { besideName, notChanged, onDatabase } from './fresh.js'
import { runTool, toolVersion } from './tools.js'
import type { BackupDriver, RestoreSteps } from './types.js'

/** libpq reads the password from PGPASSWORD: it never reaches argv. */
function pgArgs(target: DatabaseTarget) {
  const p = serverParts(target)
  return {
    args: ['--no-password', '-h', p.host, '-p', p.port, ...(p.user ? ['-U', p.user] : [])],
    env: { ...(p.password ? { PGPASSWORD: p.password } : {}), PGAPPNAME: 'mig backup' },
    database: p.database,
  }
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`

/** Renaming a database needs it free of sessions: others are ended, and a straggler that connects in between is retried, a bounded number of times. */
async function swap(admin: Db, target: string, fresh: string, old: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()', [target])
    try {
      // One transaction: the target is renamed aside only if the fresh one takes its name.
      await admin.run('BEGIN')
      await admin.run(`ALTER DATABASE ${ident(target)} RENAME TO ${ident(old)}`)
      await admin.run(`ALTER DATABASE ${ident(fresh)} RENAME TO ${ident(target)}`)
      await admin.run('COMMIT')
      return
    } catch (error) {
      await admin.run('ROLLBACK').catch(() => {})
      if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error
      await new Promise((r) => setTimeout(r, 100 * attempt))
    }
  }
}

async function dropDatabase(server: DatabaseTarget, name: string): Promise<void> {
  const admin = await connect(server)
  try {
    await admin.run(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
  } finally {
    await admin.close()
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
   * pg_restore into a fresh database created from template0 with the
   * target's encoding and locale, then swap the names in one transaction
   * on the `postgres` maintenance database and drop the old one. Until the
   * swap the target is never touched.
   */
  async restore(target, file, steps: RestoreSteps) {
    const { args, env, database } = pgArgs(target)
    const server = onDatabase(target, 'postgres')
    const fresh = besideName(database, 'restore')
    const old = besideName(database, 'old')
    let created = false
    let admin: Db | undefined
    try {
      admin = await connect(server)
      const [info] = await admin.query<{ enc: string; collate: string; ctype: string }>('SELECT pg_encoding_to_char(encoding) AS enc, datcollate AS collate, datctype AS ctype FROM pg_database WHERE datname = ?', [database])
      const like = info ? ` ENCODING ${literal(info.enc)} LC_COLLATE ${literal(info.collate)} LC_CTYPE ${literal(info.ctype)}` : ''
      await admin.run(`CREATE DATABASE ${ident(fresh)} TEMPLATE template0${like}`)
      created = true
      await runTool({ command: 'pg_restore', args: ['--exit-on-error', '--no-owner', ...args, '-d', fresh], env, stdinFrom: createReadStream(file) })
      const loaded = await connect(onDatabase(target, fresh))
      try {
        await steps.loaded(loaded)
      } finally {
        await loaded.close()
      }
      await steps.release()
      await swap(admin, database, fresh, old)
    } catch (error) {
      // The cut that broke the load may have broken this connection too: the drop gets its own.
      if (created) await dropDatabase(server, fresh).catch(() => {})
      throw notChanged(target, error)
    } finally {
      await admin?.close()
    }
    await dropDatabase(server, old).catch((error: unknown) => steps.warn(`restored, but the previous database, renamed ${old}, could not be dropped: ${errorMessage(error)}; drop it by hand`))
  },
}
