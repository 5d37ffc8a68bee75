import { Readable } from 'node:stream'
import { onDatabase } from '../../backup/swap.js'
import { runTool } from '../../backup/tools.js'
import { dropDatabase, ident } from './catalog.js'
import { pgArgs } from './client.js'
import { SCRATCH_PREFIX, type ScratchDriver, withConnection } from '../scratch.js'
import type { DatabaseTarget } from '../types.js'
import { schemaTarget } from '../url.js'

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`

/** pg_dump's output straight into psql on the scratch database, stopping at the first error. */
async function pipe(source: DatabaseTarget, scratch: DatabaseTarget, dumpArgs: string[]): Promise<void> {
  const from = pgArgs(source, 'mig scratch')
  const to = pgArgs(scratch, 'mig scratch')
  const dump = await runTool({
    command: 'pg_dump',
    args: [...dumpArgs, '--no-owner', '--no-privileges', ...from.args, '-d', from.database],
    env: from.env,
  })
  await runTool({
    command: 'psql',
    args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...to.args, '-d', to.database],
    env: to.env,
    stdinFrom: Readable.from([dump.stdout]),
  })
}

/** `schema.table` or a table of the source's current schema, as pg_dump's exact-name pattern, for each ledger that exists. */
async function existingLedgers(source: DatabaseTarget, ledgerTables: readonly string[]): Promise<string[]> {
  if (!ledgerTables.length) return []
  return withConnection(source, async (db) => {
    const [{ schema } = { schema: 'public' }] = await db.query<{ schema: string }>('SELECT current_schema() AS schema')
    const wanted = ledgerTables.map((t) => (t.includes('.') ? (t.split('.', 2) as [string, string]) : ([schema, t] as [string, string])))
    const found: string[] = []
    for (const [s, t] of wanted) if (await db.tableExists(t, s)) found.push(`${ident(s)}.${ident(t)}`)
    return found
  })
}

export const postgresScratch: ScratchDriver = {
  /** From template0 (template1 may hold extensions the clone creates again), with the server database's encoding and locale. */
  async create(server, name) {
    await withConnection(server, async (db) => {
      const [info] = await db.query<{ enc: string; collate: string; ctype: string }>(
        'SELECT pg_encoding_to_char(encoding) AS enc, datcollate AS collate, datctype AS ctype FROM pg_database WHERE datname = current_database()',
      )
      const like = info ? ` ENCODING ${literal(info.enc)} LC_COLLATE ${literal(info.collate)} LC_CTYPE ${literal(info.ctype)}` : ''
      await db.run(`CREATE DATABASE ${ident(name)} TEMPLATE template0${like}`)
    })
    const scratch = onDatabase(server, name)
    // A schema target's scratch is the same schema of the scratch database: clone copies that schema alone.
    return server.schema !== undefined ? schemaTarget(scratch, server.schema) : scratch
  },
  drop: (server, name) => withConnection(server, (db) => dropDatabase(db, name)),
  async list(server) {
    const rows = await withConnection(server, (db) =>
      db.query<{ name: string }>('SELECT datname AS name FROM pg_database WHERE starts_with(datname, ?)', [SCRATCH_PREFIX]),
    )
    return rows.map((r) => r.name)
  },
  denied: (error) => (error as { code?: string }).code === '42501',
  async clone(source, scratch, ledgerTables) {
    if (source.schema !== scratch.schema)
      throw new Error(`cannot clone ${source.display} into ${scratch.display}: a schema target's scratch has the same schema`)
    // A schema target is its schema: the database's other tenants stay out of the copy.
    const only = source.schema !== undefined ? ['-n', ident(source.schema)] : []
    await pipe(source, scratch, ['--schema-only', ...only])
    const ledgers = await existingLedgers(source, ledgerTables)
    // The ledgers' rows, and their owned sequences' positions, so the next id a tool takes is the one it would take on the target.
    if (ledgers.length) await pipe(source, scratch, ['--data-only', ...ledgers.flatMap((t) => ['-t', t])])
  },
}
