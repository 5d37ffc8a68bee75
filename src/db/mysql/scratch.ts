import { Readable } from 'node:stream'
import { onDatabase } from '../../backup/swap.js'
import { runTool } from '../../backup/tools.js'
import { SCRATCH_PREFIX, type ScratchDriver, withConnection } from '../scratch.js'
import type { DatabaseTarget } from '../types.js'
import { dropDatabase, ident } from './catalog.js'
import { pick, withOptionsFile } from './client.js'

/** The dump of `source` (with `dumpArgs`) loaded into `scratch`, stopping at the first error. */
async function pipe(source: DatabaseTarget, scratch: DatabaseTarget, dumpArgs: string[], tables: string[] = []): Promise<void> {
  const dumper = await pick('mariadb-dump', 'mysqldump')
  const client = await pick('mariadb', 'mysql')
  const dump = await withOptionsFile(
    source,
    (args, database) =>
      runTool({ command: dumper, args: [...args, '--single-transaction', '--skip-lock-tables', ...dumpArgs, database, ...tables] }),
    { exitOnSignal: false },
  )
  // Views, triggers and routines would keep the source's DEFINER, which only a SUPER user may set to another account: they take the loading user.
  const text = dump.stdout.replace(/\bDEFINER\s*=\s*(`[^`]*`|'[^']*'|[^\s@]+)@(`[^`]*`|'[^']*'|[^\s*]+)/g, '')
  await withOptionsFile(
    scratch,
    (args, database) => runTool({ command: client, args: [...args, database], stdinFrom: Readable.from([text]) }),
    { exitOnSignal: false },
  )
}

export const mysqlScratch: ScratchDriver = {
  async create(server, name) {
    await withConnection(server, async (db) => {
      const [schema] = await db.query<{ cs: string; co: string }>(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
      )
      await db.run(`CREATE DATABASE ${ident(name)}${schema ? ` CHARACTER SET ${schema.cs} COLLATE ${schema.co}` : ''}`)
    })
    return onDatabase(server, name)
  },
  drop: (server, name) => withConnection(server, (db) => dropDatabase(db, name)),
  async list(server) {
    const rows = await withConnection(server, (db) =>
      db.query<{ name: string }>('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ?', [
        SCRATCH_PREFIX.length,
        SCRATCH_PREFIX,
      ]),
    )
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
