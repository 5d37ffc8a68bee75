import { createReadStream, rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DatabaseTarget, Db } from '../db/types.js'
import { serverParts } from './connection.js'
import { runTool, toolVersion } from './tools.js'
import type { BackupDriver } from './types.js'

/** mariadb-dump where it exists (it also dumps MySQL), else mysqldump. */
async function pick(mariadb: string, mysql: string): Promise<string> {
  try {
    await toolVersion(mariadb)
    return mariadb
  } catch {
    return mysql
  }
}

/**
 * The password goes in a 0600 options file in a 0700 temp dir, passed with
 * --defaults-extra-file and removed on every exit path (also if the process
 * is interrupted): never in argv, never in the environment.
 */
async function withOptionsFile<T>(target: DatabaseTarget, fn: (args: string[], database: string) => Promise<T>): Promise<T> {
  const p = serverParts(target)
  const dir = await mkdtemp(join(tmpdir(), 'mig-my-'))
  const file = join(dir, 'client.cnf')
  const cleanup = () => rm(dir, { recursive: true, force: true })
  // On an exit or a signal mid-run only sync work runs: remove the file right there.
  const onExit = () => rmSync(dir, { recursive: true, force: true })
  const onSignal = (signal: NodeJS.Signals) => {
    onExit()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('exit', onExit)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const quoted = p.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    await writeFile(file, `[client]\npassword="${quoted}"\n`, { mode: 0o600 })
    return await fn([`--defaults-extra-file=${file}`, '-h', p.host, '-P', p.port, ...(p.user ? ['-u', p.user] : []), '--protocol=TCP'], p.database)
  } finally {
    process.removeListener('exit', onExit)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
    await cleanup()
  }
}

export const mysqlBackup: BackupDriver = {
  extension: 'sql',
  tool: async () => toolVersion(await pick('mariadb-dump', 'mysqldump')),
  async dump(target, file) {
    const command = await pick('mariadb-dump', 'mysqldump')
    return withOptionsFile(target, async (args, database) => {
      const r = await runTool({ command, args: [...args, '--single-transaction', '--routines', '--triggers', '--events', '--hex-blob', database], stdoutTo: file })
      return { sha256: r.sha256!, size: r.size! }
    })
  },
  /** The whole database: drop and recreate it with its charset and collation, then load the dump. */
  async restore(target, file, db: Db) {
    const p = serverParts(target)
    const [schema] = await db.query<{ cs: string; co: string }>('SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [p.database])
    const name = `\`${p.database.replace(/`/g, '``')}\``
    await db.run(`DROP DATABASE ${name}`)
    await db.run(`CREATE DATABASE ${name}${schema ? ` CHARACTER SET ${schema.cs} COLLATE ${schema.co}` : ''}`)
    await db.run(`USE ${name}`)
    const command = await pick('mariadb', 'mysql')
    await withOptionsFile(target, (args, database) => runTool({ command, args: [...args, database], stdinFrom: createReadStream(file) }))
  },
}
