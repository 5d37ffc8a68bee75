import { spawnSync } from 'node:child_process'
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connect } from '../../src/db/connect.js'
import type { Db } from '../../src/db/types.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { availableDialects, createTestDatabase, serverUrls } from '../../src/testing/index.js'
import { hasStack, json, mig, tempDir, writeSqlProject } from '../helpers.js'
import { startProxy, viaProxy } from './proxy.js'

/**
 * A restore cut off mid-load must leave the target exactly as it was, with
 * its whole journal. ROWS is sized so the suite stays near a minute;
 * MIG_RELIABILITY_ROWS=1000000 runs the size the issue asked for.
 */
const ROWS = Number(process.env.MIG_RELIABILITY_ROWS ?? 200_000)
const FRACTIONS = [0.1, 0.5, 0.9]
const servers = (await availableDialects()).filter((d) => d !== 'sqlite')
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const bulk = {
  postgres: `CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, ${ROWS}) g;`,
  mysql: `CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
INSERT INTO big SELECT seq, CONCAT(MD5(seq), MD5(seq * 7)) FROM seq_1_to_${ROWS};`,
}

interface State {
  rows: number
  ledger: string[]
  journal: string[]
}

async function state(db: Db): Promise<State> {
  const rows = Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM big'))[0]!.n)
  const ledger = (await db.query<{ id: string }>('SELECT id FROM mig_sql_migrations ORDER BY id')).map((r) => r.id)
  const journal = (await db.query<Record<string, unknown>>('SELECT id, migration, direction, outcome FROM mig_journal ORDER BY id')).map(
    (r) => `${String(r.id)} ${String(r.direction)} ${String(r.migration)} ${String(r.outcome)}`,
  )
  return { rows, ledger, journal }
}

async function leftovers(dialect: 'postgres' | 'mysql', name: string): Promise<string[]> {
  const admin = await connect(parseDatabaseUrl(serverUrls[dialect], '.'))
  try {
    const sql =
      dialect === 'postgres'
        ? 'SELECT datname AS n FROM pg_database WHERE datname LIKE ?'
        : 'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?'
    return (await admin.query<{ n: string }>(sql, [`${name}\\_mig\\_%`])).map((r) => r.n)
  } finally {
    await admin.close()
  }
}

/** How many bytes the load sends: the SQL the dump expands to (PostgreSQL: pg_restore's script; MariaDB: the dump itself). */
function loadBytes(dialect: 'postgres' | 'mysql', file: string): number {
  if (dialect === 'mysql') return statSync(file).size
  const r = spawnSync('pg_restore', ['-f', '-', file], { maxBuffer: 1 << 30 })
  return r.stdout.length
}

describe.each(servers)('a restore interrupted on %s', (dialect) => {
  it(`cut at ${FRACTIONS.map((f) => `${f * 100}%`).join(', ')} of the load: the target stays as it was, journal and all; then a full restore`, async () => {
    const database = await createTestDatabase(dialect)
    const server = new URL(serverUrls[dialect])
    const proxy = await startProxy(server.hostname, Number(server.port))
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => proxy.close(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'shop', viaProxy(database.url, proxy), [
      { id: '001_big', up: bulk[dialect], down: 'DROP TABLE big;' },
      { id: '002_more', up: 'CREATE TABLE more_things (id INTEGER PRIMARY KEY);', down: 'DROP TABLE more_things;' },
    ])
    const run = (...args: string[]) => mig(args, { cwd: root })
    expect((await run('up', '--to', '001_big')).code).toBe(0)
    const b = await run('backup', '--json')
    expect(b.code, b.stderr).toBe(0)
    const [manifest] = json<{ backups: { id: string; file: string }[] }>(b).backups
    const dump = join(root, '.mig', 'backups', 'shop', manifest!.file)

    // The state the failed restores must leave alone: a later migration, fewer rows.
    expect((await run('up')).code).toBe(0)
    const db = await database.db()
    await db.run('DELETE FROM big WHERE id > ?', [ROWS - 1000])
    const before = await state(db)
    expect(before).toMatchObject({ rows: ROWS - 1000, ledger: ['001_big', '002_more'] })

    const total = loadBytes(dialect, dump)
    let journal = before.journal
    for (const fraction of FRACTIONS) {
      proxy.cutAfter(Math.floor(total * fraction))
      const cutsBefore = proxy.cuts
      const r = await run('restore', manifest!.id, '--yes')
      proxy.reset()
      expect(proxy.cuts, `the cut at ${fraction} fired`).toBe(cutsBefore + 1)
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/^Error: restore into .* failed before the swap, the target was not changed: /m)
      expect(hasStack(r.stderr)).toBe(false)
      const after = await state(db)
      expect(after.rows).toBe(before.rows)
      expect(after.ledger).toEqual(before.ledger)
      // The whole history stays; the failed attempt may add its own row.
      expect(after.journal.slice(0, journal.length)).toEqual(journal)
      expect(after.journal.slice(journal.length).every((e) => / restore - failed$/.test(e))).toBe(true)
      journal = after.journal
      expect(await leftovers(dialect, database.name)).toEqual([])
    }

    const r = await run('restore', manifest!.id, '--yes')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Restored .* from /)
    await db.close()
    const fresh = await connect(parseDatabaseUrl(database.url, '.'))
    cleanup.push(() => fresh.close())
    const restored = await state(fresh)
    expect(restored.rows).toBe(ROWS)
    expect(restored.ledger).toEqual(['001_big'])
    expect(restored.journal.slice(0, journal.length).map((e) => e.replace(/^\d+ /, ''))).toEqual(journal.map((e) => e.replace(/^\d+ /, '')))
    expect(restored.journal.at(-1)).toMatch(/ restore - ok$/)
    expect(await leftovers(dialect, database.name)).toEqual([])
    expect(readdirSync(join(root, '.mig', 'backups', 'shop')).filter((f) => f.endsWith('.partial'))).toEqual([])
  }, 300_000)
})
