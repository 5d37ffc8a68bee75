import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Db, Dialect } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { bin, json, mig, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'

const dialects = await availableDialects()
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

const schemaSql: Record<Dialect, string> = {
  postgres: `CREATE TYPE mood AS ENUM ('happy', 'sad', 'meh');
CREATE TABLE customers (id SERIAL PRIMARY KEY, name TEXT NOT NULL, balance NUMERIC(12,2) NOT NULL DEFAULT 0, created_at TIMESTAMP NOT NULL, prefs JSONB, mood mood NOT NULL);
CREATE TABLE orders (id SERIAL PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id), total NUMERIC(10,2), note TEXT);
INSERT INTO customers (name, balance, created_at, prefs, mood)
  SELECT 'c' || g, g * 1.25, TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1 minute', jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g)), (ARRAY['happy','sad','meh'])[1 + g % 3]::mood FROM generate_series(1, 3000) g;
INSERT INTO orders (customer_id, total, note) SELECT 1 + g % 3000, g * 0.5, 'order ' || g FROM generate_series(1, 5000) g;`,
  mysql: `SET SESSION max_recursive_iterations = 100000;
CREATE TABLE customers (id INTEGER AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL, balance DECIMAL(12,2) NOT NULL DEFAULT 0, created_at DATETIME NOT NULL, prefs JSON, mood ENUM('happy','sad','meh') NOT NULL);
CREATE TABLE orders (id INTEGER AUTO_INCREMENT PRIMARY KEY, customer_id INTEGER NOT NULL, total DECIMAL(10,2), note TEXT, FOREIGN KEY (customer_id) REFERENCES customers (id));
INSERT INTO customers (name, balance, created_at, prefs, mood)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3000)
  SELECT CONCAT('c', n), n * 1.25, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL n MINUTE, JSON_OBJECT('n', n, 'tags', JSON_ARRAY('a', n)), ELT(1 + n % 3, 'happy', 'sad', 'meh') FROM g;
INSERT INTO orders (customer_id, total, note)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)
  SELECT 1 + n % 3000, n * 0.5, CONCAT('order ', n) FROM g;`,
  sqlite: `CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, balance NUMERIC NOT NULL DEFAULT 0, created_at TEXT NOT NULL, prefs TEXT, mood TEXT NOT NULL CHECK (mood IN ('happy', 'sad', 'meh')));
CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL REFERENCES customers (id), total NUMERIC, note TEXT);
INSERT INTO customers (name, balance, created_at, prefs, mood)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 3000)
  SELECT 'c' || n, n * 1.25, datetime('2024-01-01', '+' || n || ' minutes'), json_object('n', n, 'tags', json_array('a', n)), CASE n % 3 WHEN 0 THEN 'sad' WHEN 1 THEN 'meh' ELSE 'happy' END FROM g;
INSERT INTO orders (customer_id, total, note)
  WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)
  SELECT 1 + n % 3000, n * 0.5, 'order ' || n FROM g;`,
}

const userTables = (db: Db) => {
  const sql = {
    postgres: "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    mysql: 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1',
    sqlite: "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
  }[db.dialect]
  return db
    .query<{ t?: string; T?: string }>(sql)
    .then((rows) => rows.map((r) => String(r.t ?? r.T)).filter((t) => !['mig_journal', 'mig_lock'].includes(t)))
}

/** Every table's definition and a checksum of its rows: what a restore must bring back exactly. */
async function snapshot(db: Db): Promise<Record<string, { schema: unknown; rows: string; count: number }>> {
  const out: Record<string, { schema: unknown; rows: string; count: number }> = {}
  for (const t of await userTables(db)) {
    const schema =
      db.dialect === 'sqlite'
        ? await db.query('SELECT sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name', [t])
        : db.dialect === 'postgres'
          ? await db.query(
              "SELECT column_name, data_type, udt_name, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position",
              [t],
            )
          : await db.query(
              'SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ORDINAL_POSITION',
              [t],
            )
    const rows = await db.query(`SELECT * FROM ${t} ORDER BY 1`)
    out[t] = { schema, rows: createHash('sha256').update(JSON.stringify(rows)).digest('hex'), count: rows.length }
  }
  return out
}

/** Where the customers id sequence stands: it must continue from the same point after a restore. */
async function sequenceState(db: Db): Promise<unknown> {
  const sql = {
    postgres: 'SELECT last_value, is_called FROM customers_id_seq',
    mysql: "SELECT AUTO_INCREMENT AS next FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'customers'",
    sqlite: "SELECT seq FROM sqlite_sequence WHERE name = 'customers'",
  }[db.dialect]
  return (await db.query(sql)).map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))))
}

async function setup(dialect: Dialect, options: { password?: string } = {}) {
  const database: TestDatabase = await createTestDatabase(dialect, options)
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  writeSqlProject(root, 'shop', database.url, [
    { id: '001_schema', up: schemaSql[dialect], down: 'DROP TABLE orders;\nDROP TABLE customers;\n' },
    { id: '002_audit', up: 'CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\n', down: 'DROP TABLE audit;\n' },
  ])
  return { database, root, db: await database.db() }
}

const listBackups = async (root: string) =>
  json<{ backups: { id: string; file: string }[] }>(await mig(['backups', '--json'], { cwd: root })).backups

describe.each(dialects)('backup and restore on %s', (dialect) => {
  it('round trip: schema, rows and sequences come back exactly, and status matches the manifest', async () => {
    const { root, db } = await setup(dialect)
    expect((await mig(['up', '--to', '001_schema'], { cwd: root })).code).toBe(0)
    const before = await snapshot(db)
    const sequence = await sequenceState(db)
    expect(before.customers!.count).toBe(3000)
    expect(before.orders!.count).toBe(5000)

    const b = await mig(['backup', '--json'], { cwd: root })
    expect(b.code, b.stderr).toBe(0)
    const [manifest] = json<{ backups: { id: string; migrations: Record<string, string[]>; sha256: string; dumpTool: string }[] }>(
      b,
    ).backups
    expect(manifest!.migrations).toEqual({ shop: ['001_schema'] })
    expect(manifest!.dumpTool).toMatch(dialect === 'postgres' ? /pg_dump/ : dialect === 'mysql' ? /mariadb-dump|mysqldump/ : /SQLite/)

    await db.run("UPDATE customers SET name = 'changed' WHERE id <= 100")
    await db.run('DELETE FROM orders WHERE id > 4000')
    await db.run('ALTER TABLE customers ADD COLUMN extra TEXT')
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    expect(await userTables(db)).toContain('audit')

    const r = await mig(['restore', manifest!.id, '--yes'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/shop: now 2 applied, last 002_audit; after restore 1 applied, last 001_schema/)
    await db.close()
    const fresh = await (await import('../../src/db/connect.js')).connect(db.target)
    cleanup.push(() => fresh.close())
    expect(await snapshot(fresh)).toEqual(before)

    expect(await sequenceState(fresh)).toEqual(sequence)
    // The MariaDB client's 0600 options file is gone once the tools are done.
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('mig-my-'))).toEqual([])
    const max = Number((await fresh.query<{ m: number }>('SELECT MAX(id) AS m FROM customers'))[0]!.m)
    await fresh.run(
      dialect === 'postgres'
        ? "INSERT INTO customers (name, created_at, mood) VALUES ('new', now(), 'meh')"
        : "INSERT INTO customers (name, created_at, mood) VALUES ('new', '2024-02-02 00:00:00', 'meh')",
    )
    expect(Number((await fresh.query<{ m: number }>('SELECT MAX(id) AS m FROM customers'))[0]!.m)).toBeGreaterThan(max)

    const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await mig(['status', '--json'], { cwd: root }))
    expect(status.projects[0]!.migrations.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(manifest!.migrations.shop)
    const log = json<{ entries: { direction: string; backupId: string | null }[] }>(
      await mig(['log', '--json', '--limit', '50'], { cwd: root }),
    ).entries
    expect(log.filter((e) => e.direction === 'backup' || e.direction === 'restore').map((e) => [e.direction, e.backupId])).toEqual([
      ['backup', manifest!.id],
      ['restore', manifest!.id],
    ])
    expect(log.filter((e) => e.direction === 'up')).toHaveLength(2)
  }, 120_000)

  it('refuses a dump with a flipped byte before touching the database', async () => {
    const { root, db } = await setup(dialect)
    expect((await mig(['up', '--to', '001_schema'], { cwd: root })).code).toBe(0)
    expect((await mig(['backup'], { cwd: root })).code).toBe(0)
    const [m] = await listBackups(root)
    const file = join(root, '.mig', 'backups', 'shop', m!.file)
    const bytes = readFileSync(file)
    const at = Math.floor(bytes.length / 2)
    bytes[at] = bytes[at]! ^ 0xff
    writeFileSync(file, bytes)
    await db.run('CREATE TABLE after_backup (id INTEGER)')
    const r = await mig(['restore', m!.id, '--yes'], { cwd: root })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Error: backup .* is damaged: its sha256 does not match the manifest/)
    expect(await userTables(db)).toContain('after_backup')
  }, 60_000)
})

describe('backup files and secrets', () => {
  it('dumps are 0600 in a 0700 folder, and backup.keep deletes the oldest', async () => {
    const { root } = await setup('sqlite')
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop' }], backup: { keep: 2 } }),
    )
    for (let i = 0; i < 3; i++) expect((await mig(['backup'], { cwd: root })).code).toBe(0)
    const dir = join(root, '.mig', 'backups', 'shop')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const files = readdirSync(dir)
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2)
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600)
  })

  it('restore into another database whose URL reads the same names the two apart', async () => {
    const root = tempDir()
    cleanup.push(async () => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'a', 'sqlite:./app.db', [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
    writeSqlProject(root, 'b', 'sqlite:./app.db', [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
    const config = (dir: string) =>
      writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'app', tool: 'sql', dir }] }))
    config('a')
    const taken = json<{ backups: { id: string }[] }>(await mig(['backup', '--json'], { cwd: root })).backups[0]!.id
    config('b')
    const r = await mig(['restore', taken, '--yes'], { cwd: root })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      `Error: backup ${taken} is of sqlite:${join(root, 'a', 'app.db')}, but app now points at sqlite:${join(root, 'b', 'app.db')}`,
    )
  })

  it('backup.before makes `mig up` back up first and journals the backup id; a failed backup stops up before any migration', async () => {
    const { root, db } = await setup('sqlite')
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop' }], backup: { before: ['up'] } }),
    )
    const r = await mig(['up', '--one', '--json'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    const id = json<{ backups: { id: string }[] }>(r).backups[0]!.id
    expect((await listBackups(root)).map((b) => b.id)).toEqual([id])
    const log = json<{ entries: { migration: string; backupId: string | null }[] }>(await mig(['log', '--json'], { cwd: root })).entries
    expect(log.find((e) => e.migration === '001_schema')!.backupId).toBe(id)

    writeFileSync(join(root, 'blocker'), 'a file where the backup folder should be')
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop' }], backup: { before: ['up'], dir: 'blocker/backups' } }),
    )
    const failed = await mig(['up'], { cwd: root })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/Error: cannot write backups to .*blocker\/backups\/shop/)
    expect(await userTables(db)).not.toContain('audit')
  })

  it.runIf(dialects.includes('postgres'))(
    'kill -9 during a PostgreSQL backup leaves no dump and no manifest; no command line ever shows the password',
    async () => {
      const canary = 'Canary-bk-91x'
      const { root, db } = await setup('postgres', { password: canary })
      expect((await mig(['up', '--to', '001_schema'], { cwd: root })).code).toBe(0)
      await db.run(
        'CREATE TABLE bulk AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) || repeat(md5(random()::text), 4) AS payload FROM generate_series(1, 400000) g',
      )

      const seen: string[] = []
      const sample = () => {
        for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
            if (cmd.includes('pg_dump')) seen.push(cmd)
            if (cmd.includes(canary)) throw new Error(`password on a command line: ${cmd.replace(/\0/g, ' ')}`)
          } catch (error) {
            if ((error as Error).message.startsWith('password on')) throw error
          }
        }
      }
      // A full backup, sampled all along.
      const full = spawn(process.execPath, [bin, 'backup'], migSpawnOptions({ cwd: root }))
      const done = new Promise<number>((r) => full.on('close', (c) => r(c ?? -1)))
      let finished = false
      void done.then(() => (finished = true))
      while (!finished) {
        sample()
        await new Promise((r) => setTimeout(r, 5))
      }
      expect(await done).toBe(0)
      expect(seen.length).toBeGreaterThan(0)
      expect(seen.join('\n')).not.toContain(canary)

      // Another, killed mid-dump.
      const dir = join(root, '.mig', 'backups', 'shop')
      const complete = () => readdirSync(dir).filter((f) => !f.endsWith('.partial'))
      const before = complete()
      const child: ChildProcess = spawn(process.execPath, [bin, 'backup'], migSpawnOptions({ cwd: root }))
      for (let i = 0; i < 400; i++) {
        const partial = readdirSync(dir).find((f) => f.endsWith('.partial'))
        if (partial && statSync(join(dir, partial)).size > 0) break
        await new Promise((r) => setTimeout(r, 10))
      }
      child.kill('SIGKILL')
      await new Promise((r) => child.on('close', r))
      await new Promise((r) => setTimeout(r, 500))
      expect(complete()).toEqual(before)
      expect(before.filter((f) => f.endsWith('.json'))).toHaveLength(1)
      expect(existsSync(dir)).toBe(true)
    },
    180_000,
  )
})
