import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanupStaleScratch, cloneSchema, isStale, parseScratchName, scratchName, withScratch } from '../../src/core/scratch.js'
import { connect } from '../../src/db/connect.js'
import { scratchDriver } from '../../src/db/scratch.js'
import { snapshot } from '../../src/db/snapshot.js'
import type { DatabaseTarget, Db, Dialect } from '../../src/db/types.js'
import { parseDatabaseUrl, schemaTarget } from '../../src/db/url.js'
import { MigError } from '../../src/output/errors.js'
import { type TestDatabase, availableDialects, createTestDatabase, serverUrls } from '../../src/testing/databases.js'
import { repoRoot } from '../helpers.js'

const dialects = await availableDialects()
const child = join(repoRoot, 'test', 'fixtures', 'scratch-child.mjs')

const scratchesOn = async (target: DatabaseTarget): Promise<string[]> => (await scratchDriver(target.dialect)).list(target)

/** This process and the children it spawned: the makers of the scratch databases this file answers for (other test files run beside it on the same server). */
const ours = new Set([process.pid])
const oursOn = async (target: DatabaseTarget): Promise<string[]> =>
  (await scratchesOn(target)).filter((name) => ours.has(parseScratchName(name)?.pid ?? -1))

async function exists(target: DatabaseTarget, name: string): Promise<boolean> {
  return (await scratchesOn(target)).includes(name)
}

const nameOf = (scratch: string): string => scratch.replace(/^.*\//, '').replace(/\.db$/, '')

/** Run scratch-child.mjs (two runs of the built withScratch side by side) until both hold their scratch databases, then kill it with `signal`. */
function killMidRun(
  target: DatabaseTarget,
  signal: NodeJS.Signals,
): Promise<{ names: string[]; code: number | null; signal: NodeJS.Signals | null; existedWhileRunning: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, [child, target.url], { stdio: ['ignore', 'pipe', 'pipe'] })
    if (proc.pid) ours.add(proc.pid)
    let out = ''
    let err = ''
    let names: string[] = []
    let existedWhileRunning = false
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()))
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /READY (.+)\n/.exec(out)
      if (m && !names.length) {
        names = m[1]!.split(' ').map(nameOf)
        void Promise.all(names.map((n) => exists(target, n))).then((yes) => {
          existedWhileRunning = yes.every(Boolean)
          proc.kill(signal)
        }, reject)
      }
    })
    proc.on('error', reject)
    proc.on('close', (code, sig) =>
      names.length
        ? resolvePromise({ names, code, signal: sig, existedWhileRunning })
        : reject(new Error(`child ended before its scratch was ready: ${err}`)),
    )
  })
}

/** A schema with a view, a foreign key and an index, a user table with rows, and two ledgers with rows. */
const schema: Record<Dialect, string> = {
  postgres: `CREATE TYPE kind AS ENUM ('a', 'b');
    CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE, kind kind);
    CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id) ON DELETE CASCADE, total numeric CHECK (total > 0));
    CREATE INDEX orders_total ON orders (total) WHERE total > 10;
    CREATE VIEW big AS SELECT * FROM orders WHERE total > 100;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
    CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch int, migration_time timestamptz DEFAULT now());
    CREATE TABLE knex_migrations_lock (index serial PRIMARY KEY, is_locked int);`,
  mysql: `CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL UNIQUE, kind enum('a','b'));
    CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, customer_id int, total decimal(10,2), CHECK (total > 0), FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE, KEY orders_total (total));
    CREATE VIEW big AS SELECT * FROM orders WHERE total > 100;
    CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW SET NEW.total = COALESCE(NEW.total, 1);
    CREATE FUNCTION add_one(n int) RETURNS int DETERMINISTIC RETURN n + 1;
    CREATE TABLE knex_migrations (id int AUTO_INCREMENT PRIMARY KEY, name varchar(255), batch int, migration_time timestamp NULL DEFAULT CURRENT_TIMESTAMP);
    CREATE TABLE knex_migrations_lock (\`index\` int AUTO_INCREMENT PRIMARY KEY, is_locked int);`,
  sqlite: `CREATE TABLE customers (id integer PRIMARY KEY AUTOINCREMENT, email text NOT NULL UNIQUE, kind text CHECK (kind IN ('a', 'b')));
    CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers(id) ON DELETE CASCADE, total numeric CHECK (total > 0));
    CREATE INDEX orders_total ON orders (total) WHERE total > 10;
    CREATE VIEW big AS SELECT * FROM orders WHERE total > 100;
    CREATE TRIGGER orders_touch AFTER INSERT ON orders BEGIN SELECT 1; END;
    CREATE VIRTUAL TABLE notes USING fts5(body);
    CREATE TABLE knex_migrations (id integer PRIMARY KEY AUTOINCREMENT, name varchar(255), batch integer, migration_time datetime);
    CREATE TABLE knex_migrations_lock ("index" integer PRIMARY KEY AUTOINCREMENT, is_locked integer);`,
}
const rows = `INSERT INTO customers (email, kind) VALUES ('a@x', 'a'), ('b@x', 'b');
  INSERT INTO knex_migrations (name, batch) VALUES ('001_init.js', 1), ('002_orders.js', 1), ('003_more.js', 2);
  DELETE FROM knex_migrations WHERE name = '003_more.js';
  INSERT INTO knex_migrations_lock (is_locked) VALUES (0);`
const ledgers = ['knex_migrations', 'knex_migrations_lock', 'SequelizeMeta']

async function state(db: Db) {
  return {
    schema: await snapshot(db, { exclude: [] }),
    ledger: await db.query('SELECT id, name, batch FROM knex_migrations ORDER BY id'),
    lock: await db.query('SELECT * FROM knex_migrations_lock'),
    customers: await db.query('SELECT id, email FROM customers ORDER BY id'),
  }
}

describe.each(dialects)('scratch databases on %s', (dialect) => {
  const made: TestDatabase[] = []
  const cleanups: (() => Promise<void>)[] = []
  let server: DatabaseTarget | undefined
  afterAll(async () => {
    const left = server ? await oursOn(server) : []
    for (const c of cleanups) await c()
    for (const t of made) await t.drop()
    expect(left).toEqual([])
  })
  const database = async (): Promise<{ test: TestDatabase; target: DatabaseTarget }> => {
    const test = await createTestDatabase(dialect)
    made.push(test)
    const target = parseDatabaseUrl(test.url, '/')
    server ??= target
    return { test, target }
  }

  it('is created for fn and dropped after it returns, and after it throws', async () => {
    const { target } = await database()
    let name = ''
    const result = await withScratch(target, async (scratch) => {
      name = nameOf(scratch.database ?? scratch.file!)
      expect(parseScratchName(name)).toMatchObject({ pid: process.pid })
      expect(await exists(target, name)).toBe(true)
      const db = await connect(scratch)
      await db.run('CREATE TABLE t (id int)')
      // A connection fn leaves open does not keep the drop from happening.
      return 42
    })
    expect(result).toBe(42)
    expect(await exists(target, name)).toBe(false)
    const failure = new Error('the migration broke')
    await expect(
      withScratch(target, async (scratch) => {
        name = nameOf(scratch.database ?? scratch.file!)
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(await exists(target, name)).toBe(false)
  })

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('is dropped when the run gets %s, which exits %i', async (signal, code) => {
    const { target } = await database()
    const run = await killMidRun(target, signal)
    expect(run.existedWhileRunning).toBe(true)
    expect(run.code).toBe(code)
    expect(run.names).toHaveLength(2)
    for (const name of run.names) expect(await exists(target, name)).toBe(false)
  })

  it('is left by a run killed with SIGKILL, and the next cleanup drops it', async () => {
    const { target } = await database()
    const run = await killMidRun(target, 'SIGKILL')
    expect(run.signal).toBe('SIGKILL')
    for (const name of run.names) expect(await exists(target, name)).toBe(true)
    expect(run.names.every((name) => isStale(name))).toBe(true)
    // One a live process made (this one) is not stale; nor is a name mig did not make.
    expect(isStale(scratchName())).toBe(false)
    expect(isStale('mig_scratch_by_hand')).toBe(false)
    expect((await cleanupStaleScratch(target)).sort()).toEqual([...run.names].sort())
    for (const name of run.names) expect(await exists(target, name)).toBe(false)
  })

  it('clones the schema and the ledgers rows, and leaves the source as it was', async () => {
    const { test, target } = await database()
    const source = await test.db()
    await source.runScript(schema[dialect])
    await source.runScript(rows)
    const before = await state(source)
    await withScratch(target, async (scratch) => {
      await cloneSchema(target, scratch, ledgers)
      const copy = await connect(scratch)
      try {
        const cloned = await state(copy)
        expect(cloned.schema).toEqual(before.schema)
        expect(cloned.ledger).toEqual(before.ledger)
        expect(cloned.lock).toEqual(before.lock)
        // User tables come empty: only the ledgers' rows are copied.
        expect(cloned.customers).toEqual([])
        // The ledger's counter came along: the next row takes the id the target would give it, not a deleted one's.
        await copy.run("INSERT INTO knex_migrations (name, batch) VALUES ('004_next.js', 3)")
        const [next] = await copy.query<{ id: number | string }>("SELECT id FROM knex_migrations WHERE name = '004_next.js'")
        expect(Number(next!.id)).toBe(4)
      } finally {
        await copy.close()
      }
    })
    expect(await state(source)).toEqual(before)
  })

  it.runIf(dialect === 'postgres')('clones a schema target into the same schema of its scratch, and no other schema', async () => {
    const { target } = await database()
    const tenant = schemaTarget(target, 'tenant_a')
    const source = await connect(tenant)
    const other = await connect(schemaTarget(target, 'tenant_b'))
    try {
      await source.runScript(schema[dialect])
      await source.runScript(rows)
      await other.run('CREATE TABLE other_tenant (id int)')
      const before = await state(source)
      await withScratch(tenant, async (scratch) => {
        expect(scratch.schema).toBe('tenant_a')
        await cloneSchema(tenant, scratch, ledgers)
        const copy = await connect(scratch)
        try {
          const cloned = await state(copy)
          expect(cloned.schema).toEqual(before.schema)
          expect(cloned.ledger).toEqual(before.ledger)
          expect(cloned.customers).toEqual([])
          const schemas = await copy.query<{ s: string }>(
            "SELECT DISTINCT table_schema AS s FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
          )
          expect(schemas.map((r) => r.s)).toEqual(['tenant_a'])
        } finally {
          await copy.close()
        }
      })
      expect(await state(source)).toEqual(before)
    } finally {
      await source.close()
      await other.close()
    }
  })

  it.runIf(dialect !== 'sqlite')(
    'says SCRATCH_DENIED, naming scratch.url, to a user who may not create databases; scratch.url then works',
    async () => {
      const { test, target } = await database()
      const user = `mig_t_user_${randomBytes(4).toString('hex')}`
      const admin = await connect(parseDatabaseUrl(serverUrls[dialect as 'postgres' | 'mysql'], '/'))
      try {
        if (dialect === 'postgres') {
          await admin.run(`CREATE ROLE ${user} LOGIN NOCREATEDB`)
          cleanups.push(async () => {
            const a = await connect(parseDatabaseUrl(serverUrls.postgres, '/'))
            await a.run(`DROP ROLE IF EXISTS ${user}`).finally(() => a.close())
          })
        } else {
          await admin.run(`CREATE USER '${user}'@'%'`)
          await admin.run(`GRANT ALL ON \`${test.name}\`.* TO '${user}'@'%'`)
          cleanups.push(async () => {
            const a = await connect(parseDatabaseUrl(serverUrls.mysql, '/'))
            await a.run(`DROP USER IF EXISTS '${user}'@'%'`).finally(() => a.close())
          })
        }
      } finally {
        await admin.close()
      }
      const url = new URL(target.url)
      url.username = user
      const limited = parseDatabaseUrl(url.toString(), '/')
      let ran = false
      const error = await withScratch(limited, async () => {
        ran = true
      }).catch((e: unknown) => e)
      expect(ran).toBe(false)
      expect(error).toBeInstanceOf(MigError)
      expect(error).toMatchObject({ code: 'SCRATCH_DENIED', hint: expect.stringContaining('scratch.url') })
      expect((error as MigError).message).toContain(limited.display)
      expect(
        await withScratch(limited, async (scratch) => scratch.database, { scratchUrl: serverUrls[dialect as 'postgres' | 'mysql'] }),
      ).toMatch(/^mig_scratch_/)
    },
  )

  it.runIf(dialect === 'sqlite')('is a temp file on SQLite, removed on every exit path', async () => {
    const { target } = await database()
    let file = ''
    await withScratch(target, async (scratch) => {
      file = scratch.file!
      const db = await connect(scratch)
      await db.run('CREATE TABLE t (id int)')
      await db.close()
      expect(existsSync(file)).toBe(true)
    })
    expect(existsSync(file)).toBe(false)
  })
})

describe('scratch names', () => {
  it('say who made them and when; only a dead maker on this host, or a day gone by, makes one stale', () => {
    const name = scratchName()
    expect(name.length).toBeLessThanOrEqual(63)
    const parsed = parseScratchName(name)!
    expect(parsed.pid).toBe(process.pid)
    expect(Math.abs(parsed.created - Date.now())).toBeLessThan(5_000)
    const host = parsed.host
    const other = host === '000000' ? '111111' : '000000'
    // A pid that cannot be running: beyond the kernel's pid_max.
    const dead = 2 ** 22 + 1
    const at = (ms: number) => Date.now() - ms
    const make = (pid: number, h: string, created: number) => `mig_scratch_${pid}_${h}_${created.toString(36)}_abcdef`
    expect(isStale(make(dead, host, at(1_000)))).toBe(true)
    expect(isStale(make(dead, other, at(1_000)))).toBe(false)
    expect(isStale(make(process.ppid, host, at(1_000)))).toBe(false)
    expect(isStale(make(process.ppid, other, at(25 * 3600_000)))).toBe(true)
  })
})
