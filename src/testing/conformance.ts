import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestFunction, afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Adapter, JournalHook, Migration, OpenContext, ProjectRef, Session } from '../adapter.js'
import { type JournalEntry, ensureJournal, journalInsertSql, journalTable, JOURNAL } from '../core/journal.js'
import { acquireLock } from '../core/lock/index.js'
import { openContext } from '../core/workspace.js'
import { connect } from '../db/connect.js'
import { driverOf } from '../db/drivers.js'
import type { DatabaseTarget, Db, Dialect } from '../db/types.js'
import { parseDatabaseUrl, schemaTarget } from '../db/url.js'
import { type TestDatabase, createTestDatabase, listTables } from './databases.js'

/**
 * What a plugin gives the conformance suite. `writeProject` lays out, in
 * `dir`, a project of the adapter's tool on `url` holding two migrations
 * that create tables `conf_one` and `conf_two` (downs drop them), in that
 * order; with `failing`, a third that creates `conf_fail` and then throws
 * (e.g. selects from a table that does not exist).
 */
export interface ConformanceOptions {
  adapter: Adapter
  dialects: Dialect[]
  writeProject(dir: string, database: TestDatabase, options: { failing: boolean }): Promise<ProjectRef>
  /**
   * The ids applied according to the tool's own ledger, read natively (its
   * CLI or its table), in apply order; with `where.schema`, the ledger a
   * PostgreSQL schema target keeps in that schema (the tool's CLI run with
   * that search path).
   */
  nativeApplied(project: ProjectRef, database: TestDatabase, where?: { schema?: string }): Promise<string[]>
  /** Per-test timeout for slow tools. */
  timeoutMs?: number
  /**
   * Dialects on which a throwing migration leaves no partial schema. Default
   * PostgreSQL and SQLite; a tool that runs scripts without a transaction on
   * SQLite (as Prisma does, for its PRAGMA-laden table rebuilds) narrows it.
   */
  atomicDdl?: Dialect[]
  /**
   * Take the tool's own migration lock natively (as a crashed run of the
   * tool leaves it), so the suite can check `toolLock()` reports it held and
   * `release()` frees it. For an adapter with `toolLock()`.
   */
  holdToolLock?(project: ProjectRef, database: TestDatabase): Promise<void>
  /**
   * Contract checks the adapter is known to fail, each with why. They run
   * expecting the failure (vitest's `it.fails`), so fixing the adapter turns
   * them red until the entry is removed: a gap stays visible, never silent.
   */
  knownFailures?: KnownFailure[]
  /**
   * Check that the adapter honours `OpenContext.database()` (plan and verify
   * redirect it to a scratch database); on unless set to false, which an
   * adapter may only do if its sessions refuse a redirect with a MigError.
   */
  redirect?: boolean
  /**
   * PostgreSQL schema targets (`DatabaseTarget.schema`, a fleet's
   * schema-per-tenant rows): true, the adapter must work on one, wholly in
   * its schema; by default it may instead refuse one with a MigError
   * SCHEMA_UNSUPPORTED (never migrate another schema); false skips the check.
   */
  schema?: boolean
}

export type ContractCheck =
  'capture' | 'transaction-none' | 'transaction-none-failure' | 'tool-lock' | 'create' | 'close' | 'journal' | 'atomic' | 'interrupt'

export interface KnownFailure {
  check: ContractCheck
  /** Only on these dialects (default: all). */
  dialects?: Dialect[]
  why: string
}

/**
 * The one suite every adapter runs on every dialect it supports:
 * list → up one → native ledger agrees → down one → a throwing migration
 * leaves no record (and, where DDL is transactional, no table) → where the
 * adapter can mark, marking it rolled back and then applied writes the
 * ledger the tool reads, and runs nothing.
 */
export function runConformance(options: ConformanceOptions): void {
  lifecycleChecks(options)
  contractChecks(options)
  journalChecks(options)
  if (options.redirect !== false) redirectChecks(options)
  if (options.schema !== false && options.dialects.includes('postgres')) schemaChecks(options)
}

const contextFor = (project: ProjectRef, dir: string, redirect?: (target: DatabaseTarget) => DatabaseTarget | undefined): OpenContext =>
  openContext(project, { root: dir, env: undefined, readOnly: false, warn: () => {}, redirect })

/**
 * `OpenContext.database()`: with the project's database redirected to a
 * second one, the session reports the second as its target, and up writes
 * the migration and its ledger row there, leaving the first untouched.
 */
function redirectChecks(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  describe.each(options.dialects)(`${options.adapter.tool} adapter on a redirected database on %s`, (dialect) => {
    let first: TestDatabase
    let second: TestDatabase
    let dir: string

    beforeAll(async () => {
      first = await createTestDatabase(dialect)
      second = await createTestDatabase(dialect)
      dir = mkdtempSync(join(tmpdir(), `mig-redirect-${options.adapter.tool}-`))
    }, timeout)

    afterAll(async () => {
      await first?.drop()
      await second?.drop()
      if (dir) rmSync(dir, { recursive: true, force: true })
    }, timeout)

    it(
      'works on the database OpenContext.database() returns, and never touches the configured one',
      async () => {
        const project = await options.writeProject(dir, first, { failing: false })
        const from = parseDatabaseUrl(first.url, dir)
        const to = parseDatabaseUrl(second.url, dir)
        const asked: string[] = []
        const session = await options.adapter.open(
          project,
          contextFor(project, dir, (target) => (asked.push(target.key), target.key === from.key ? to : undefined)),
        )
        try {
          expect(asked).toContain(from.key)
          expect(session.target.key).toBe(to.key)
          const [one] = await session.list()
          await session.up(one!, { transaction: 'auto' })
          expect((await session.list()).filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([one!.id])
          const tables = await listTables(await second.db())
          expect(tables).toContain('conf_one')
          // The tool's ledger, beside the migration's table.
          expect(tables.filter((t) => !t.startsWith('conf_')).length).toBeGreaterThan(0)
          expect(await listTables(await first.db())).toEqual([])
          expect(await options.nativeApplied(project, first)).toEqual([])
        } finally {
          await session.close()
        }
      },
      timeout,
    )
  })
}

/** Tables of `schema` (PostgreSQL), sorted. */
const tablesIn = async (db: Db, schema: string): Promise<string[]> =>
  (
    await db.query<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1', [schema])
  ).map((r) => r.name)

/** The schemas of the database holding any table, but the catalog's own. */
const schemasWithTables = async (db: Db): Promise<string[]> =>
  (
    await db.query<{ schema: string }>(
      "SELECT DISTINCT table_schema AS schema FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    )
  ).map((r) => r.schema)

/**
 * The "schema" check: `OpenContext.database()` hands back the project's
 * own PostgreSQL database with `schema` set, as a fleet's schema-per-tenant
 * row does. The session then keeps the tool's ledger, mig's journal (core's
 * connection on `session.target`, as the lifecycle opens it) and the
 * migration's tables in that schema and nothing in `public`, its lock is
 * the schema's, and two schemas of one database are independent. An adapter
 * that cannot do that must refuse with SCHEMA_UNSUPPORTED (unless
 * `options.schema` is true), leaving no table anywhere.
 */
function schemaChecks(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  describe(`${options.adapter.tool} adapter on schema targets (PostgreSQL schema-per-tenant)`, () => {
    let database: TestDatabase
    let dir: string
    let project: ProjectRef
    const opened: { close(): Promise<void> }[] = []
    let refused: unknown

    beforeAll(async () => {
      database = await createTestDatabase('postgres')
      dir = mkdtempSync(join(tmpdir(), `mig-schema-${options.adapter.tool}-`))
      project = await options.writeProject(dir, database, { failing: false })
    }, timeout)

    afterAll(async () => {
      for (const item of opened.reverse()) await item.close().catch(() => {})
      await database?.drop()
      if (dir) rmSync(dir, { recursive: true, force: true })
    }, timeout)

    /** A session on `schema` of the project's database, and core's connection to its target. */
    const open = async (schema: string) => {
      const from = parseDatabaseUrl(database.url, dir)
      const to = schemaTarget(from, schema)
      const session = await options.adapter.open(
        project,
        contextFor(project, dir, (target) => (target.key === from.key ? to : undefined)),
      )
      opened.push(session)
      expect(session.target.key).toBe(to.key)
      expect(session.target.schema).toBe(schema)
      const core = await connect(session.target)
      opened.push(core)
      return { session, core }
    }

    /** What the lifecycle does around one step: the lock, the journal, the step with its journal row. */
    const step = async (session: Session, core: Db, m: Migration) => {
      const lock = await acquireLock(core, 1_000)
      try {
        await ensureJournal(core)
        const table = await journalTable(core)
        await session.up(m, {
          transaction: 'auto',
          journal: { statement: () => journalInsertSql('postgres', journalRow(project.name, project.tool, m.id), table) },
        })
        // An adapter that runs no journal hook: core writes the row itself, on its connection.
        const [row] = await core.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE migration = ?`, [m.id])
        if (Number(row?.n) === 0) await core.run(journalInsertSql('postgres', journalRow(project.name, project.tool, m.id), table))
      } finally {
        await lock.release()
      }
    }

    const journalIn = async (schema: string): Promise<string[]> =>
      (await (await database.db()).query<{ migration: string }>(`SELECT migration FROM "${schema}".${JOURNAL} ORDER BY id`)).map(
        (r) => r.migration,
      )

    it(
      "keeps its ledger, mig's journal and the migration's tables in the schema, and nothing in public (or refuses with SCHEMA_UNSUPPORTED)",
      async () => {
        let a: Awaited<ReturnType<typeof open>>
        try {
          a = await open('tenant_a')
        } catch (error) {
          if (options.schema === true || (error as { code?: string }).code !== 'SCHEMA_UNSUPPORTED') throw error
          refused = error
          expect((error as Error).message).not.toContain('\n')
          expect(await schemasWithTables(await database.db())).toEqual([])
          return
        }
        const [one] = await a.session.list()
        expect((await a.session.list()).every((m) => m.state === 'pending')).toBe(true)
        await step(a.session, a.core, one!)
        expect((await a.session.list()).filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([one!.id])
        const db = await database.db()
        const tables = await tablesIn(db, 'tenant_a')
        expect(tables).toContain('conf_one')
        expect(tables).toContain(JOURNAL)
        // The tool's ledger, beside them.
        expect(tables.filter((t) => !t.startsWith('conf_') && t !== JOURNAL).length).toBeGreaterThan(0)
        expect(await schemasWithTables(db)).toEqual(['tenant_a'])
        expect(await listTables(db)).toEqual([])
        expect(await journalIn('tenant_a')).toEqual([one!.id])
        expect(await options.nativeApplied(project, database, { schema: 'tenant_a' })).toEqual([one!.id])
      },
      timeout,
    )

    it(
      'a read-only open (status) on a schema not made yet lists every migration pending and creates nothing',
      async (t) => {
        if (refused) return t.skip()
        const from = parseDatabaseUrl(database.url, dir)
        const to = schemaTarget(from, 'tenant_unmade')
        const session = await options.adapter.open(
          project,
          openContext(project, {
            root: dir,
            env: undefined,
            readOnly: true,
            warn: () => {},
            redirect: (target) => (target.key === from.key ? to : undefined),
          }),
        )
        opened.push(session)
        expect(session.target.key).toBe(to.key)
        const list = await session.list()
        expect(list.length).toBeGreaterThan(0)
        expect(list.every((m) => m.state === 'pending')).toBe(true)
        expect(await (await database.db()).query("SELECT 1 FROM pg_namespace WHERE nspname = 'tenant_unmade'")).toEqual([])
      },
      timeout,
    )

    it(
      'two schemas of one database are independent: their own ledgers, journals and locks',
      async (t) => {
        if (refused) return t.skip()
        const a = await open('tenant_a')
        const b = await open('tenant_b')
        expect(a.session.target.key).not.toBe(b.session.target.key)
        // Two locks: both held at once, and a second taker of one waits.
        const lockA = await acquireLock(a.core, 1_000)
        const lockB = await acquireLock(b.core, 1_000)
        const other = await connect(a.session.target)
        opened.push(other)
        expect(await driverOf(other).lock.tryAcquire(other)).toBe(false)
        await lockA.release()
        await lockB.release()
        const list = await b.session.list()
        expect(list.every((m) => m.state === 'pending')).toBe(true)
        for (const m of list) await step(b.session, b.core, m)
        const ids = list.map((m) => m.id)
        expect((await b.session.list()).filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(ids)
        expect((await a.session.list()).filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(ids.slice(0, 1))
        expect(await options.nativeApplied(project, database, { schema: 'tenant_b' })).toEqual(ids)
        expect(await options.nativeApplied(project, database, { schema: 'tenant_a' })).toEqual(ids.slice(0, 1))
        expect(await journalIn('tenant_b')).toEqual(ids)
        expect(await journalIn('tenant_a')).toEqual(ids.slice(0, 1))
        const db = await database.db()
        expect(await tablesIn(db, 'tenant_b')).toEqual(expect.arrayContaining(['conf_one', 'conf_two', JOURNAL]))
        expect(await tablesIn(db, 'tenant_a')).not.toContain('conf_two')
        expect(await schemasWithTables(db)).toEqual(['tenant_a', 'tenant_b'])
        // Last: a tool's CLI may create its ledger where it looks (knex migrate:list does).
        expect(await options.nativeApplied(project, database)).toEqual([])
      },
      timeout,
    )
  })
}

function lifecycleChecks(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  describe.each(options.dialects)(`${options.adapter.tool} adapter conformance on %s`, (dialect) => {
    let database: TestDatabase
    let dir: string
    let project: ProjectRef
    let session: Session

    beforeAll(async () => {
      database = await createTestDatabase(dialect)
      dir = mkdtempSync(join(tmpdir(), `mig-conf-${options.adapter.tool}-`))
      project = await options.writeProject(dir, database, { failing: true })
      session = await options.adapter.open(project, contextFor(project, dir))
    }, timeout)

    afterAll(async () => {
      await session?.close()
      await database?.drop()
      rmSync(dir, { recursive: true, force: true })
    }, timeout)

    const tables = async () => listTables(await database.db())

    it(
      'lists every migration as pending on an empty database, in order',
      async () => {
        expect(session.target.dialect).toBe(dialect)
        const list = await session.list()
        expect(list).toHaveLength(3)
        expect(list.map((m) => m.state)).toEqual(['pending', 'pending', 'pending'])
        expect(list[0]!.files.length).toBeGreaterThan(0)
        expect(await options.nativeApplied(project, database)).toEqual([])
      },
      timeout,
    )

    it(
      'applies exactly one migration, and the native ledger agrees',
      async () => {
        const [first] = await session.list()
        await session.up(first!, { transaction: 'auto' })
        const list = await session.list()
        expect(list.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([first!.id])
        expect(await options.nativeApplied(project, database)).toEqual([first!.id])
        expect(await tables()).toContain('conf_one')
        expect(await tables()).not.toContain('conf_two')
      },
      timeout,
    )

    it(
      'reverts exactly that migration, and the native ledger agrees',
      async () => {
        const applied = (await session.list()).filter((m) => m.state === 'applied')
        expect(applied).toHaveLength(1)
        expect(applied[0]!.reversible).toBe(true)
        await session.down(applied[0]!, { transaction: 'auto' })
        expect((await session.list()).every((m) => m.state === 'pending')).toBe(true)
        expect(await options.nativeApplied(project, database)).toEqual([])
        expect(await tables()).not.toContain('conf_one')
      },
      timeout,
    )

    it(
      'leaves no record of a migration that throws',
      async () => {
        const list = await session.list()
        await session.up(list[0]!, { transaction: 'auto' })
        await session.up(list[1]!, { transaction: 'auto' })
        await expect(session.up(list[2]!, { transaction: 'auto' })).rejects.toThrow()
        const after = await session.list()
        // Not applied: pending, or failed where the tool's ledger keeps failed attempts (Prisma).
        expect(after.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([list[0]!.id, list[1]!.id])
        expect(['pending', 'failed']).toContain(after.find((m) => m.id === list[2]!.id)!.state)
        expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id])
        if ((options.atomicDdl ?? ['postgres', 'sqlite']).includes(dialect)) expect(await tables()).not.toContain('conf_fail')
      },
      timeout,
    )

    it(
      'marks the failed migration rolled back, then applied, without running it, and the native ledger agrees',
      async (t) => {
        if (!session.mark) return t.skip()
        const list = await session.list()
        const failing = list.find((m) => m.id === list[2]!.id)!
        const before = await tables()
        await session.mark(failing, 'rolled-back')
        expect((await session.list()).find((m) => m.id === failing.id)!.state).toBe('pending')
        expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id])
        await session.mark(failing, 'applied')
        expect((await session.list()).filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([list[0]!.id, list[1]!.id, failing.id])
        expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id, failing.id])
        // Marked, not run: the schema is as the failed attempt left it.
        expect(await tables()).toEqual(before)
      },
      timeout,
    )
  })
}

/** Transaction control: not the migration's own statements. */
const transactionControl = /^\s*(begin|start transaction|commit|rollback|savepoint|release savepoint)\b/i

/** What each contract check works on: one fresh database and project per dialect, opened once. */
interface Fixture {
  options: ConformanceOptions
  database: TestDatabase
  dir: string
  project: ProjectRef
  session: Session
}

const tablesOf = async (f: Fixture): Promise<string[]> => listTables(await f.database.db())

/**
 * The rest of the Session contract, on a fresh database: `capture` hears the
 * migration's statements in order and none of the ledger's; `transaction:
 * 'none'` runs without a wrapping transaction; `toolLock()`; `create()`;
 * `close()` twice.
 */
function contractChecks(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  describe.each(options.dialects)(`${options.adapter.tool} adapter contract on %s`, (dialect) => {
    const f = { options } as Fixture

    beforeAll(async () => {
      f.database = await createTestDatabase(dialect)
      f.dir = mkdtempSync(join(tmpdir(), `mig-contract-${options.adapter.tool}-`))
      f.project = await options.writeProject(f.dir, f.database, { failing: true })
      f.session = await options.adapter.open(f.project, contextFor(f.project, f.dir))
    }, timeout)

    afterAll(async () => {
      await f.session?.close()
      await f.database?.drop()
      if (f.dir) rmSync(f.dir, { recursive: true, force: true })
    }, timeout)

    const check = (name: ContractCheck, title: string, fn: TestFunction): void => {
      const known = options.knownFailures?.find((k) => k.check === name && (!k.dialects || k.dialects.includes(dialect)))
      if (known) it.fails(`${title} [known failure: ${known.why}]`, fn, timeout)
      else it(title, fn, timeout)
    }
    check('capture', 'capture hears the statements of the migration, up and down, and none of the ledger or transaction control', () =>
      captureCheck(f),
    )
    check('transaction-none', "with transaction 'none' applies and reverts exactly one migration, and the native ledger agrees", () =>
      noTransactionCheck(f),
    )
    check(
      'transaction-none-failure',
      "with transaction 'none' a throwing migration records nothing, keeps what ran before the throw, and capture heard its statements in order",
      () => noTransactionFailureCheck(f),
    )
    check('tool-lock', 'toolLock() is not held between runs, and release() frees a held one', (t) =>
      f.session.toolLock ? toolLockCheck(f) : t.skip(),
    )
    check('create', 'create() writes files that a new session lists as pending, and never overwrites one', () => createCheck(f))
    check('close', 'close() twice is harmless, and leaves other sessions working', () => closeCheck(f))
  })
}

async function captureCheck(f: Fixture): Promise<void> {
  const { session } = f
  const [first] = await session.list()
  const up: string[] = []
  await session.up(first!, { transaction: 'auto', capture: (sql) => up.push(sql) })
  // The tables that are not the migrations' own (conf_*): the tool's ledger and lock.
  const ledger = (await tablesOf(f)).filter((t) => !t.startsWith('conf_')).map((t) => t.toLowerCase())
  expect(ledger.length).toBeGreaterThan(0)
  const [applied] = (await session.list()).filter((m) => m.state === 'applied')
  const down: string[] = []
  await session.down(applied!, { transaction: 'auto', capture: (sql) => down.push(sql) })
  for (const captured of [up, down]) {
    expect(captured.join('\n')).toMatch(/conf_one/)
    for (const sql of captured) {
      expect(sql).not.toMatch(transactionControl)
      for (const table of ledger) expect(sql.toLowerCase()).not.toContain(table)
    }
  }
}

async function noTransactionCheck(f: Fixture): Promise<void> {
  const { session, options, project, database } = f
  const [first] = await session.list()
  await session.up(first!, { transaction: 'none' })
  expect(await options.nativeApplied(project, database)).toEqual([first!.id])
  expect(await tablesOf(f)).toContain('conf_one')
  const [applied] = (await session.list()).filter((m) => m.state === 'applied')
  await session.down(applied!, { transaction: 'none' })
  expect(await options.nativeApplied(project, database)).toEqual([])
  expect(await tablesOf(f)).not.toContain('conf_one')
}

async function noTransactionFailureCheck(f: Fixture): Promise<void> {
  const { session, options, project, database } = f
  const list = await session.list()
  await session.up(list[0]!, { transaction: 'auto' })
  await session.up(list[1]!, { transaction: 'auto' })
  const captured: string[] = []
  await expect(session.up(list[2]!, { transaction: 'none', capture: (sql) => captured.push(sql) })).rejects.toThrow()
  expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id])
  expect(['pending', 'failed']).toContain((await session.list()).find((m) => m.id === list[2]!.id)!.state)
  const text = captured.join('\n')
  expect(text.indexOf('conf_fail')).toBeGreaterThanOrEqual(0)
  expect(text.indexOf('no_such_table')).toBeGreaterThan(text.indexOf('conf_fail'))
  // No wrapping transaction: the statement before the throw stays.
  expect(await tablesOf(f)).toContain('conf_fail')
}

async function toolLockCheck(f: Fixture): Promise<void> {
  const { session, options } = f
  expect((await session.toolLock!())?.held ?? false).toBe(false)
  if (!options.holdToolLock) return
  await options.holdToolLock(f.project, f.database)
  const held = await session.toolLock!()
  expect(held?.held).toBe(true)
  expect(held!.name).not.toBe('')
  await held!.release()
  expect((await session.toolLock!())?.held).toBe(false)
}

async function createCheck(f: Fixture): Promise<void> {
  const { session, options, project, dir } = f
  const pendingBefore = (await session.list()).filter((m) => m.state === 'pending').length
  // One clock for both: a tool that names files by the time makes the same name twice.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2031-02-03T04:05:06.789Z') })
  let first: string[]
  let second: string[] | Error
  try {
    first = await session.create('conf_made', 'blank', { name: 'conf_made' })
    const texts = first.map((file) => readFileSync(file, 'utf8'))
    second = await session.create('conf_made', 'blank', { name: 'conf_made' }).catch((error: Error) => error)
    expect(first.map((file) => readFileSync(file, 'utf8'))).toEqual(texts)
  } finally {
    vi.useRealTimers()
  }
  expect(first.length).toBeGreaterThan(0)
  for (const file of first) expect(existsSync(file)).toBe(true)
  if (!(second instanceof Error)) expect(second.filter((file) => first.includes(file))).toEqual([])
  const fresh = await options.adapter.open(project, contextFor(project, dir))
  try {
    const pending = (await fresh.list()).filter((m) => m.state === 'pending')
    expect(pending).toHaveLength(pendingBefore + (second instanceof Error ? 1 : 2))
    expect(pending.some((m) => m.files.some((file) => first.includes(file)))).toBe(true)
  } finally {
    await fresh.close()
  }
}

async function closeCheck(f: Fixture): Promise<void> {
  const other = await f.options.adapter.open(f.project, contextFor(f.project, f.dir))
  await other.list()
  await other.close()
  await other.close()
  expect((await f.session.list()).length).toBeGreaterThan(0)
}

/**
 * RunOptions.journal and Session.upAtomic, on a fresh database each: an
 * adapter that runs core's journal statement leaves exactly one row per
 * migration it applies and none for one that throws; `upAtomic` applies
 * all or nothing, journal rows included. An adapter that never calls the
 * hook (core then writes the row itself) or has no upAtomic skips them.
 */
function journalChecks(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  describe.each(options.dialects)(`${options.adapter.tool} adapter journal hook on %s`, (dialect) => {
    const known = (name: ContractCheck) =>
      options.knownFailures?.find((k) => k.check === name && (!k.dialects || k.dialects.includes(dialect)))
    const check = (name: ContractCheck, title: string, fn: TestFunction): void => {
      const k = known(name)
      if (k) it.fails(`${title} [known failure: ${k.why}]`, fn, timeout)
      else it(title, fn, timeout)
    }
    const fixtures: { database: TestDatabase; dir: string; session?: Session }[] = []
    const fresh = async () => {
      const database = await createTestDatabase(dialect)
      const dir = mkdtempSync(join(tmpdir(), `mig-journal-${options.adapter.tool}-`))
      const fixture: (typeof fixtures)[number] = { database, dir }
      fixtures.push(fixture)
      const project = await options.writeProject(dir, database, { failing: true })
      fixture.session = await options.adapter.open(project, contextFor(project, dir))
      const db = await database.db()
      await ensureJournal(db)
      const table = await journalTable(db)
      let calls = 0
      const hook = (m: Migration): JournalHook => ({
        statement: () => (calls++, journalInsertSql(dialect, journalRow(project.name, project.tool, m.id), table)),
      })
      const rows = async () =>
        (await db.query<{ migration: string }>(`SELECT migration FROM ${JOURNAL} ORDER BY id`)).map((r) => r.migration)
      const actors = async () => (await db.query<{ actor: string }>(`SELECT actor FROM ${JOURNAL} ORDER BY id`)).map((r) => r.actor)
      return { project, database, session: fixture.session, hook, rows, actors, calls: () => calls }
    }

    afterAll(async () => {
      for (const f of fixtures) {
        await f.session?.close()
        await f.database.drop()
        rmSync(f.dir, { recursive: true, force: true })
      }
    }, timeout)

    check(
      'journal',
      'with RunOptions.journal, one journal row per applied migration, in its transaction, and none for one that throws',
      async (t) => {
        const f = await fresh()
        const list = await f.session.list()
        await f.session.up(list[0]!, { transaction: 'auto', journal: f.hook(list[0]!) })
        if (f.calls() === 0) return t.skip()
        await f.session.up(list[1]!, { transaction: 'auto', journal: f.hook(list[1]!) })
        await expect(f.session.up(list[2]!, { transaction: 'auto', journal: f.hook(list[2]!) })).rejects.toThrow()
        expect(await f.rows()).toEqual([list[0]!.id, list[1]!.id])
        // Read back as written: no driver took its `?` for a placeholder or its backslash for an escape.
        expect(await f.actors()).toEqual([ACTOR, ACTOR])
        expect(await options.nativeApplied(f.project, f.database)).toEqual([list[0]!.id, list[1]!.id])
      },
    )

    check(
      'interrupt',
      'an interrupt (RunOptions.signal) during a migration in a transaction leaves it pending, not failed: nothing recorded, the native ledger agrees, and a rerun applies it',
      async (t) => {
        const f = await fresh()
        const list = await f.session.list()
        await f.session.up(list[0]!, { transaction: 'auto' })
        if (!(await (f.session.transactional?.(list[1]!, 'up') ?? Promise.resolve(dialect !== 'mysql')))) return t.skip()
        const controller = new AbortController()
        // Ctrl-C while the migration's first statement runs.
        const interrupted = f.session
          .up(list[1]!, { transaction: 'auto', signal: controller.signal, capture: () => controller.abort() })
          .then(
            () => false,
            () => true,
          )
        if (!(await interrupted)) return t.skip() // ran to its end before looking at the signal: applied, and said so
        expect((await f.session.list()).find((m) => m.id === list[1]!.id)!.state).toBe('pending')
        expect(await options.nativeApplied(f.project, f.database)).toEqual([list[0]!.id])
        await f.session.up(list[1]!, { transaction: 'auto' })
        expect(await options.nativeApplied(f.project, f.database)).toEqual([list[0]!.id, list[1]!.id])
      },
    )

    check('atomic', 'upAtomic applies all or nothing: a throwing third migration leaves no table, ledger row or journal row', async (t) => {
      const f = await fresh()
      if (!f.session.upAtomic || dialect === 'mysql') return t.skip()
      const list = await f.session.list()
      const started: string[] = []
      const options_ = (m: Migration) => (started.push(m.id), { transaction: 'auto' as const, journal: f.hook(m) })
      await expect(f.session.upAtomic({ migrations: list, options: options_ })).rejects.toThrow()
      expect(started).toEqual(list.map((m) => m.id))
      expect(await options.nativeApplied(f.project, f.database)).toEqual([])
      expect(await f.rows()).toEqual([])
      expect((await listTables(await f.database.db())).filter((name) => name.startsWith('conf_'))).toEqual([])
      expect((await f.session.list()).every((m) => m.state === 'pending')).toBe(true)
      await f.session.upAtomic({ migrations: list.slice(0, 2), options: options_ })
      expect(await options.nativeApplied(f.project, f.database)).toEqual([list[0]!.id, list[1]!.id])
      expect(await f.rows()).toEqual([list[0]!.id, list[1]!.id])
      expect(await f.actors()).toEqual([ACTOR, ACTOR])
      expect(f.calls()).toBe(4)
    })
  })
}

const ACTOR = "conformance's ? \\ 'quoted' \\? ?"

const journalRow = (project: string, tool: string, migration: string): JournalEntry => ({
  project,
  tool,
  migration,
  direction: 'up',
  checksum: null,
  actor: ACTOR,
  startedAt: new Date().toISOString(),
  durationMs: 1,
  outcome: 'ok',
  error: null,
  backupId: null,
  note: null,
})
