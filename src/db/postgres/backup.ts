import { createReadStream } from 'node:fs'
import { besideName, handOver, notChanged, onDatabase } from '../../backup/swap.js'
import { type ToolRun, runTool, toolVersion } from '../../backup/tools.js'
import { MigError, errorMessage } from '../../output/errors.js'
import type { BackupDriver, RestoreSteps } from '../driver.js'
import type { DatabaseTarget, Db } from '../types.js'
import { pgArgs } from './client.js'
import { dropDatabase as dropOn, ident } from './catalog.js'

/** The same dialect's connections, without the registry (which loads this folder). */
const connect = async (target: DatabaseTarget): Promise<Db> => (await import('./connect.js')).connectPostgres(target)

const installs = 'postgresql-client'

/** pg_dump refuses a server newer than itself: name the client package of the server's major version. */
const explain =
  (command: string): ToolRun['explain'] =>
  (stderr, line) => {
    if (!/version mismatch/i.test(stderr)) return undefined
    const version = /server version: ([\d.]+)/.exec(stderr)?.[1]
    return new MigError(
      'TOOL_VERSION',
      `${command} is older than the server: ${line}`,
      `install the client of the server's version${version ? ` (postgresql-client-${version.split('.')[0]})` : ''}`,
    )
  }

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
    await dropOn(admin, name)
  } finally {
    await admin.close()
  }
}

export const postgresBackup: BackupDriver = {
  extension: 'dump',
  tool: () => toolVersion('pg_dump', installs),
  async dump(target, file) {
    const { args, env, database } = pgArgs(target, 'mig backup')
    const r = await runTool({
      command: 'pg_dump',
      // A schema target is its schema: the other tenants of the database are not its backup.
      args: ['-Fc', ...args, ...(target.schema !== undefined ? ['-n', ident(target.schema)] : []), '-d', database],
      env,
      stdoutTo: file,
      installs,
      explain: explain('pg_dump'),
    })
    return { sha256: r.sha256!, size: r.size! }
  },
  /**
   * pg_restore into a fresh database created from template0 with the
   * target's encoding and locale, then swap the names in one transaction
   * on the `postgres` maintenance database and drop the old one. Until the
   * swap the target is never touched.
   */
  async restore(target, file, steps: RestoreSteps) {
    // The swap replaces the whole database: every other tenant's schema with it.
    if (target.schema !== undefined)
      throw new MigError(
        'SCHEMA_RESTORE',
        `restoring ${target.display} would replace the whole database ${target.database ?? ''}, every other schema with it`,
        `restore the schema by hand: pg_restore -n ${ident(target.schema)} --clean of the backup's dump, in a maintenance window`,
      )
    const { args, env, database } = pgArgs(target, 'mig backup')
    const server = onDatabase(target, 'postgres')
    const fresh = besideName(database, 'restore')
    const old = besideName(database, 'old')
    let created = false
    let admin: Db | undefined
    try {
      admin = await connect(server)
      const [info] = await admin.query<{ enc: string; collate: string; ctype: string }>(
        'SELECT pg_encoding_to_char(encoding) AS enc, datcollate AS collate, datctype AS ctype FROM pg_database WHERE datname = ?',
        [database],
      )
      const like = info ? ` ENCODING ${literal(info.enc)} LC_COLLATE ${literal(info.collate)} LC_CTYPE ${literal(info.ctype)}` : ''
      await admin.run(`CREATE DATABASE ${ident(fresh)} TEMPLATE template0${like}`)
      created = true
      await runTool({
        command: 'pg_restore',
        args: ['--exit-on-error', '--no-owner', ...args, '-d', fresh],
        env,
        stdinFrom: createReadStream(file),
        installs,
        explain: explain('pg_restore'),
      })
      await handOver(() => connect(onDatabase(target, fresh)), steps)
      await swap(admin, database, fresh, old)
    } catch (error) {
      // The cut that broke the load may have broken this connection too: the drop gets its own.
      if (created) await dropDatabase(server, fresh).catch(() => {})
      throw notChanged(target, error)
    } finally {
      await admin?.close()
    }
    await dropDatabase(server, old).catch((error: unknown) =>
      steps.warn(`restored, but the previous database, renamed ${old}, could not be dropped: ${errorMessage(error)}; drop it by hand`),
    )
  },
}
