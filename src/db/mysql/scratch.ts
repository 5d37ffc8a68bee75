import { rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { serverParts } from '../../backup/connection.js'
import { onDatabase } from '../../backup/fresh.js'
import { runTool, toolVersion } from '../../backup/tools.js'
import { SCRATCH_PREFIX, type ScratchDriver, withConnection } from '../scratch.js'
import type { DatabaseTarget } from '../types.js'

const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``

/** mariadb-dump / mariadb where they exist (they serve MySQL too), else mysqldump / mysql. */
async function pick(mariadb: string, mysql: string): Promise<string> {
  return toolVersion(mariadb).then(
    () => mariadb,
    () => mysql,
  )
}

/**
 * Client flags for a target; the password goes in a 0600 options file in a
 * 0700 temp dir (never argv, never the environment), removed when done and,
 * should the process exit first, on its way out.
 */
async function withClient<T>(target: DatabaseTarget, fn: (args: string[], database: string) => Promise<T>): Promise<T> {
  const p = serverParts(target)
  const dir = await mkdtemp(join(tmpdir(), 'mig-my-'))
  const file = join(dir, 'client.cnf')
  const onExit = () => rmSync(dir, { recursive: true, force: true })
  process.once('exit', onExit)
  try {
    const quoted = p.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    await writeFile(file, `[client]\npassword="${quoted}"\n`, { mode: 0o600 })
    return await fn([`--defaults-extra-file=${file}`, '-h', p.host, '-P', p.port, ...(p.user ? ['-u', p.user] : []), '--protocol=TCP'], p.database)
  } finally {
    process.removeListener('exit', onExit)
    await rm(dir, { recursive: true, force: true })
  }
}

/** The dump of `source` (with `dumpArgs`) loaded into `scratch`, stopping at the first error. */
async function pipe(source: DatabaseTarget, scratch: DatabaseTarget, dumpArgs: string[], tables: string[] = []): Promise<void> {
  const dumper = await pick('mariadb-dump', 'mysqldump')
  const client = await pick('mariadb', 'mysql')
  const dump = await withClient(source, (args, database) => runTool({ command: dumper, args: [...args, '--single-transaction', '--skip-lock-tables', ...dumpArgs, database, ...tables] }))
  // Views, triggers and routines would keep the source's DEFINER, which only a SUPER user may set to another account: they take the loading user.
  const text = dump.stdout.replace(/\bDEFINER\s*=\s*(`[^`]*`|'[^']*'|[^\s@]+)@(`[^`]*`|'[^']*'|[^\s*]+)/g, '')
  await withClient(scratch, (args, database) => runTool({ command: client, args: [...args, database], stdinFrom: Readable.from([text]) }))
}

export const mysqlScratch: ScratchDriver = {
  async create(server, name) {
    await withConnection(server, async (db) => {
      const [schema] = await db.query<{ cs: string; co: string }>('SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()')
      await db.run(`CREATE DATABASE ${ident(name)}${schema ? ` CHARACTER SET ${schema.cs} COLLATE ${schema.co}` : ''}`)
    })
    return onDatabase(server, name)
  },
  /** DROP DATABASE waits for every session's metadata locks in it: sessions still there (an interrupted run's) are ended first. */
  async drop(server, name) {
    await withConnection(server, async (db) => {
      const sessions = await db.query<{ id: number }>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [name])
      for (const s of sessions) await db.run(`KILL CONNECTION ${Number(s.id)}`).catch(() => {})
      await db.run(`DROP DATABASE IF EXISTS ${ident(name)}`)
    })
  },
  async list(server) {
    const rows = await withConnection(server, (db) => db.query<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ?', [SCRATCH_PREFIX.length, SCRATCH_PREFIX]))
    return rows.map((r) => r.name)
  },
  denied: (error) => [1044, 1045, 1227].includes(Number((error as { errno?: number }).errno)),
  async clone(source, scratch, ledgerTables) {
    await pipe(source, scratch, ['--no-data', '--routines', '--triggers', '--events'])
    const ledgers = await withConnection(source, async (db) => {
      const found: string[] = []
      for (const t of ledgerTables) if (await db.tableExists(t)) found.push(t)
      return found
    })
    if (ledgers.length) await pipe(source, scratch, ['--no-create-info', '--skip-triggers'], ledgers)
  },
}
