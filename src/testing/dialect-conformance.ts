import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireLock } from '../core/lock/index.js'
import { connect } from '../db/connect.js'
import { connectionLostIn } from '../db/connection-errors.js'
import type { DialectDriver } from '../db/driver.js'
import { loadDriver } from '../db/drivers.js'
import { onSchemaCreated } from '../db/schema-events.js'
import type { DatabaseTarget, Db, Dialect } from '../db/types.js'
import { parseDatabaseUrl, schemaTarget } from '../db/url.js'
import { type TestDatabase, createTestDatabase } from './databases.js'

/** What the suite must be told of a dialect beyond its driver; the three built-in ones have defaults. */
export interface DialectConformanceOptions {
  /** The driver under test; default the registry's for `dialect`. */
  driver?: DialectDriver
  timeoutMs?: number
  /** How `lock.holder()` names the connection `db` (a part of `who`). */
  holderName?(db: Db): Promise<string>
  /** Row-based locks: plant the lock of a process that is gone. Session locks die with their session and leave this out. */
  plantStaleLock?(db: Db): Promise<void>
  /** The name of the connection's own schema for `tableExists(db, table, schema)`; left out where the dialect has none. */
  currentSchema?(db: Db): Promise<string>
  /** A URL on the same server whose connect fails for the dialect's "missing" reason, and the MigError code it gives. */
  missing?(database: TestDatabase): { url: string; code: string }
}

const pidName = async (): Promise<string> => `mig pid ${process.pid} on ${hostname()}`

/** A pid that no process has any more: a child that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid

const defaults: Record<Dialect, DialectConformanceOptions> = {
  postgres: {
    holderName: pidName,
    currentSchema: async (db) => String((await db.query<{ s: string }>('SELECT current_schema() AS s'))[0]?.s),
    missing: (d) => ({ url: d.url.replace(d.name, `${d.name}_absent`), code: 'DB_MISSING' }),
  },
  mysql: {
    holderName: async (db) => `connection ${String((await db.query<{ id: number }>('SELECT CONNECTION_ID() AS id'))[0]?.id)} `,
    currentSchema: async (db) => String((await db.query<{ s: string }>('SELECT DATABASE() AS s'))[0]?.s),
    missing: (d) => ({ url: d.url.replace(d.name, `${d.name}_absent`), code: 'DB_MISSING' }),
  },
  sqlite: {
    holderName: pidName,
    async plantStaleLock(db) {
      const driver = await loadDriver('sqlite')
      // The first take creates the lock table; the planted row is then a crashed run's.
      expect(await driver.lock.tryAcquire(db)).toBe(true)
      await driver.lock.release(db)
      await db.run('INSERT INTO mig_lock (id, pid, host, started_at) VALUES (1, ?, ?, ?)', [
        deadPid(),
        hostname(),
        new Date().toISOString(),
      ])
    },
    missing: () => ({ url: `sqlite:${join(tmpdir(), 'mig-no-such-dir', 'x', 'app.db')}`, code: 'DB_SQLITE_OPEN' }),
  },
}

/** Poll `fn` until it returns true, for what a server does asynchronously (ending a terminated session). */
async function eventually(fn: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await fn()) return true
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * The suite every dialect driver runs, as `runConformance` is for adapters:
 * the lock (contend, release, holder, stale or broken, dead connection),
 * the catalog, connect errors and a backup → restore round trip with the
 * dialect's own tools, against a real database of `dialect`.
 */
export function runDialectConformance(dialect: Dialect, options: DialectConformanceOptions = {}): void {
  const o = { ...defaults[dialect], ...options }
  const timeout = o.timeoutMs ?? 60_000
  describe(`${dialect} dialect conformance`, () => {
    const ctx = {} as Context
    beforeAll(async () => {
      ctx.driver = o.driver ?? (await loadDriver(dialect))
      ctx.database = await createTestDatabase(dialect)
    }, timeout)
    afterAll(async () => {
      await ctx.database?.drop()
    }, timeout)
    lockTests(ctx, o, timeout)
    catalogTests(ctx, o, timeout)
    schemaTests(ctx, timeout)
    backupTests(ctx, timeout)
  })
}

interface Context {
  driver: DialectDriver
  database: TestDatabase
}

function lockTests(ctx: Context, o: DialectConformanceOptions, timeout: number): void {
  it(
    'lock: a second connection cannot take a held lock, sees who holds it, and takes it once released',
    async () => {
      const { lock } = ctx.driver
      const [a, b] = [await ctx.database.db(), await ctx.database.db()]
      expect(await lock.tryAcquire(a)).toBe(true)
      try {
        expect(await lock.tryAcquire(b)).toBe(false)
        expect(await lock.held(a)).toBe(true)
        const holder = await lock.holder(b)
        expect(holder?.stale).toBe(false)
        expect(holder?.who).toContain(await o.holderName!(a))
      } finally {
        await lock.release(a)
      }
      expect(await lock.holder(b)).toBeUndefined()
      expect(await lock.tryAcquire(b)).toBe(true)
      await lock.release(b)
    },
    timeout,
  )

  if (o.plantStaleLock) {
    it(
      'lock: a lock whose process is gone is reported stale, can be broken, and is taken over',
      async () => {
        const { lock } = ctx.driver
        const db = await ctx.database.db()
        await o.plantStaleLock!(db)
        expect(await lock.holder(db)).toMatchObject({ stale: true })
        await lock.breakLock(db)
        expect(await lock.holder(db)).toBeUndefined()
        await o.plantStaleLock!(db)
        expect(await lock.tryAcquire(db)).toBe(true)
        expect((await lock.holder(db))?.stale ?? false).toBe(false)
        await lock.release(db)
      },
      timeout,
    )
  } else {
    it(
      "lock: breaking another connection's lock ends its session: held() turns false, the error reads as a lost connection, another takes it",
      async () => {
        const { lock } = ctx.driver
        const [a, b] = [await ctx.database.db(), await ctx.database.db()]
        const held = await acquireLock(a, 1_000)
        expect(await held.held()).toBe(true)
        await lock.breakLock(b)
        expect(await eventually(async () => !(await held.held()))).toBe(true)
        // The connection heard its session end (Db.lost): core trusts a live one between its once-a-second checks.
        if (a.lost) expect(await eventually(async () => a.lost!())).toBe(true)
        const error = await a.query('SELECT 1').then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(connectionLostIn(error, [ctx.driver])).toBe(true)
        expect(await eventually(() => lock.tryAcquire(b))).toBe(true)
        await lock.release(b)
      },
      timeout,
    )

    it(
      "lock: held() turns false once the lock's connection is closed, and the lock is free again",
      async () => {
        const { lock } = ctx.driver
        const [a, b] = [await ctx.database.db(), await ctx.database.db()]
        const held = await acquireLock(a, 1_000)
        await a.close()
        expect(a.lost?.() ?? true).toBe(true)
        expect(await held.held()).toBe(false)
        expect(await eventually(() => lock.tryAcquire(b))).toBe(true)
        await lock.release(b)
      },
      timeout,
    )
  }
}

function catalogTests(ctx: Context, o: DialectConformanceOptions, timeout: number): void {
  it(
    'catalog: tableExists and listTables see a table made with serialPk, with and without its schema',
    async () => {
      const { driver } = ctx
      const db = await ctx.database.db()
      await db.run(`CREATE TABLE conf_catalog (id ${driver.serialPk}, name VARCHAR(20))`)
      expect(await driver.tableExists(db, 'conf_catalog')).toBe(true)
      expect(await driver.tableExists(db, 'conf_absent')).toBe(false)
      expect(await db.tableExists('conf_catalog')).toBe(true)
      expect(await driver.listTables(db)).toContain('conf_catalog')
      if (o.currentSchema) {
        const schema = await o.currentSchema(db)
        expect(await driver.tableExists(db, 'conf_catalog', schema)).toBe(true)
        expect(await driver.tableExists(db, 'conf_catalog', `${schema}_absent`)).toBe(false)
      }
      await db.run("INSERT INTO conf_catalog (name) VALUES ('a')")
      await db.run("INSERT INTO conf_catalog (name) VALUES ('b')")
      const ids = (await db.query<{ id: number }>('SELECT id FROM conf_catalog ORDER BY id')).map((r) => Number(r.id))
      expect(new Set(ids).size).toBe(2)
    },
    timeout,
  )

  it(
    'catalog: beginSql opens a transaction that ROLLBACK undoes; serverVersion names a version',
    async () => {
      const { driver } = ctx
      const db = await ctx.database.db()
      await db.run(`CREATE TABLE conf_tx (id ${driver.serialPk}, name VARCHAR(20))`)
      await db.run(driver.beginSql)
      await db.run("INSERT INTO conf_tx (name) VALUES ('gone')")
      await db.run('ROLLBACK')
      expect(await db.query('SELECT * FROM conf_tx')).toEqual([])
      expect(await driver.serverVersion(db)).toMatch(/\d+\.\d+/)
    },
    timeout,
  )

  if (o.missing) {
    it(
      'connect: a database that is not there is one coded error, not a stack trace',
      async () => {
        const { url, code } = o.missing!(ctx.database)
        const failure = await ctx.driver.connect(parseDatabaseUrl(url, tmpdir())).then(
          (db) => db.close().then(() => undefined),
          (e: unknown) => e,
        )
        expect(failure).toMatchObject({ code })
        expect((failure as Error).message).not.toContain('\n')
      },
      timeout,
    )
  }
}

/**
 * `DatabaseTarget.schema`: a dialect with `schemas` gives every connection
 * that schema alone as its search path, creates it once (heard by
 * `onSchemaCreated`) and not on a read-only connect, and locks each schema
 * apart; any other dialect refuses a schema target with SCHEMA_UNSUPPORTED.
 */
function schemaTests(ctx: Context, timeout: number): void {
  const refusal = (error: unknown) => ({
    code: (error as { code?: string }).code,
    lines: String((error as Error).message).split('\n').length,
  })
  it(
    'schema: a schema target is honoured where the dialect has schemas, else refused with SCHEMA_UNSUPPORTED',
    async () => {
      const base = (await ctx.database.db()).target
      if (!ctx.driver.schemas) {
        expect(
          refusal(
            await Promise.resolve()
              .then(() => schemaTarget(base, 'tenant_x'))
              .catch((e: unknown) => e),
          ),
        ).toEqual({
          code: 'SCHEMA_UNSUPPORTED',
          lines: 1,
        })
        // A target that carries a schema all the same (built by hand) is refused at connect.
        const forged: DatabaseTarget = { ...base, schema: 'tenant_x', key: `${base.key}?schema=tenant_x` }
        expect(refusal(await connect(forged).catch((e: unknown) => e))).toEqual({ code: 'SCHEMA_UNSUPPORTED', lines: 1 })
        return
      }
      const created: string[] = []
      const stop = onSchemaCreated((target) => created.push(`${target.schema} ${target.key}`))
      const opened: Db[] = []
      try {
        const a = schemaTarget(base, 'Tenant A')
        const b = schemaTarget(base, 'tenant_b')
        expect(new Set([base.key, a.key, b.key]).size).toBe(3)
        expect(a.display).toContain('Tenant A')
        // Read-only: the search path names the schema, which is not created.
        const reader = await ctx.driver.connect(a, { readOnly: true })
        opened.push(reader)
        expect(await ctx.driver.listTables(reader)).toEqual([])
        expect(created).toEqual([])
        const [a1, a2, b1] = [await connect(a), await connect(a), await connect(b)]
        opened.push(a1, a2, b1)
        expect(created).toEqual([`Tenant A ${a.key}`, `tenant_b ${b.key}`])
        await a1.run(`CREATE TABLE conf_tenant (id ${ctx.driver.serialPk})`)
        // Every connection of the target, and none other, sees it unqualified.
        for (const db of [a2, reader]) expect(await db.tableExists('conf_tenant')).toBe(true)
        expect(await b1.tableExists('conf_tenant')).toBe(false)
        expect(await (await ctx.database.db()).tableExists('conf_tenant')).toBe(false)
        expect(await ctx.driver.listTables(a2)).toEqual(['conf_tenant'])
        // RESET ALL and DISCARD ALL keep it: the session's default.
        await a2.run('DISCARD ALL')
        expect(await a2.tableExists('conf_tenant')).toBe(true)
        // One lock per schema, and the database's own apart from both.
        const { lock } = ctx.driver
        const plain = await ctx.database.db()
        expect(await lock.tryAcquire(a1)).toBe(true)
        expect(await lock.tryAcquire(a2)).toBe(false)
        expect((await lock.holder(a2))?.stale).toBe(false)
        expect(await lock.holder(b1)).toBeUndefined()
        expect(await lock.tryAcquire(b1)).toBe(true)
        expect(await lock.tryAcquire(plain)).toBe(true)
        for (const db of [a1, b1, plain]) await lock.release(db)
        // A backup of a schema target is that schema; a restore, which swaps the whole database, is refused.
        await b1.run(`CREATE TABLE conf_other (id ${ctx.driver.serialPk})`)
        const dir = mkdtempSync(join(tmpdir(), 'mig-dialect-schema-'))
        try {
          const file = join(dir, `a.${ctx.driver.backup.extension}`)
          await ctx.driver.backup.dump(a, file)
          const listed = spawnSync('pg_restore', ['-l', file], { encoding: 'utf8' }).stdout
          expect(listed).toMatch(/TABLE "?Tenant A"? conf_tenant/)
          expect(listed).not.toContain('conf_other')
          const steps = { loaded: async () => {}, release: async () => {}, warn: () => {} }
          expect(refusal(await ctx.driver.backup.restore(a, file, steps).catch((e: unknown) => e))).toEqual({
            code: 'SCHEMA_RESTORE',
            lines: 1,
          })
          expect(await b1.tableExists('conf_other')).toBe(true)
        } finally {
          rmSync(dir, { recursive: true, force: true })
        }
      } finally {
        stop()
        for (const db of opened) await db.close()
      }
    },
    timeout,
  )
}

function backupTests(ctx: Context, timeout: number): void {
  it(
    'backup: dump, change the data, restore, and the original rows are back (with what core wrote into the loaded copy)',
    async () => {
      const { driver, database } = ctx
      const dir = mkdtempSync(join(tmpdir(), 'mig-dialect-conf-'))
      try {
        const db = await database.db()
        await db.run(`CREATE TABLE conf_rows (id ${driver.serialPk}, name VARCHAR(20) NOT NULL)`)
        for (const name of ['one', 'two', 'three']) await db.run('INSERT INTO conf_rows (name) VALUES (?)', [name])
        const target = db.target
        const file = join(dir, `dump.${driver.backup.extension}`)
        const dumped = await driver.backup.dump(target, file)
        expect(dumped.sha256).toMatch(/^[0-9a-f]{64}$/)
        expect(dumped.size).toBeGreaterThan(0)
        expect(await driver.backup.tool()).toMatch(/\d+\.\d+/)

        await db.run("UPDATE conf_rows SET name = 'changed'")
        await db.run("INSERT INTO conf_rows (name) VALUES ('four')")
        await db.close()
        const order: string[] = []
        await driver.backup.restore(target, file, {
          async loaded(fresh) {
            order.push('loaded')
            expect((await fresh.query('SELECT name FROM conf_rows')).length).toBe(3)
            await fresh.run('CREATE TABLE conf_marker (note VARCHAR(20))')
            await fresh.run("INSERT INTO conf_marker (note) VALUES ('from core')")
          },
          async release() {
            order.push('release')
          },
          warn: (message) => order.push(`warn: ${message}`),
        })
        expect(order).toEqual(['loaded', 'release'])
        const after = await connect(target)
        try {
          expect((await after.query<{ name: string }>('SELECT name FROM conf_rows ORDER BY id')).map((r) => r.name)).toEqual([
            'one',
            'two',
            'three',
          ])
          expect(await after.query('SELECT note FROM conf_marker')).toEqual([{ note: 'from core' }])
        } finally {
          await after.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    timeout,
  )
}
