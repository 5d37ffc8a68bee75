import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { tableExists } from '../../src/db/catalog.js'
import type { Db } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { createTable, knexCli, knexMigrateList, writeKnexProject } from '../../plugins/knex/test/helpers.js'
import { type Result, hasStack, json, mig, tempDir, withPlugins, writeSqlProject } from '../helpers.js'

const ORDERS = '20250101000000_create_orders.js'
const ACCOUNTS = '20250301000000_add_name'
const MANY = '300_t300'

/**
 * The user's report: `accounts` applied in an earlier release (a LATER id
 * timestamp), `mig up --one` applies `orders` (an EARLIER one); a global
 * `mig down` must revert orders, and a `NNN_` project must not jump the queue.
 * accounts (sql) and orders (knex) share a database, so they share a journal;
 * many (sql, untimed ids) has its own, so times are compared across journals.
 */
describe.each(await availableDialects())('global down reverts what was applied last, on %s', (dialect) => {
  let main: TestDatabase
  let other: TestDatabase
  let db: Db
  let manyDb: Db
  let root: string
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    env = await withPlugins('knex')
    main = await createTestDatabase(dialect)
    other = await createTestDatabase(dialect)
    db = await main.db()
    manyDb = await other.db()
    root = tempDir()
    writeSqlProject(root, 'accounts', main.url, [
      { id: ACCOUNTS, up: 'CREATE TABLE accounts_name (id INTEGER PRIMARY KEY);\n', down: 'DROP TABLE accounts_name;\n' },
    ])
    writeSqlProject(root, 'many', other.url, [
      { id: MANY, up: 'CREATE TABLE t300 (id INTEGER PRIMARY KEY);\n', down: 'DROP TABLE t300;\n' },
    ])
    writeKnexProject(join(root, 'orders'), dialect, main.url, { migrationsList: [createTable(ORDERS, 'orders')] })
  })
  afterAll(async () => {
    await main?.drop()
    await other?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  const run = (...args: string[]) => mig(args, { cwd: root, env })
  const ok = async (...args: string[]) => {
    const r = await run(...args)
    expect(r.code, r.stderr).toBe(0)
    return r
  }
  const tables = async () =>
    [...(await listTables(db)), ...(await listTables(manyDb)).filter((t) => t === 't300')]
      .filter((t) => ['accounts_name', 'orders', 't300'].includes(t))
      .sort()
  const knexApplied = async () => (await knexMigrateList(join(root, 'orders'))).completed
  /** Everything a run could write: both sql ledgers, knex's ledger, both journals' row counts. */
  const state = async () => {
    const rows = async (d: Db, sql: string, table: string) =>
      (await tableExists(d, table)) ? await d.query<Record<string, unknown>>(sql) : []
    return {
      accounts: await rows(db, `SELECT id, applied_at FROM ${LEDGER} ORDER BY id`, LEDGER),
      many: await rows(manyDb, `SELECT id, applied_at FROM ${LEDGER} ORDER BY id`, LEDGER),
      knex: (await rows(db, 'SELECT name, batch FROM knex_migrations ORDER BY id', 'knex_migrations')).map((r) => [
        r.name,
        Number(r.batch),
      ]),
      journal: Number((await rows(db, 'SELECT COUNT(*) AS n FROM mig_journal', 'mig_journal'))[0]?.n ?? 0),
      manyJournal: Number((await rows(manyDb, 'SELECT COUNT(*) AS n FROM mig_journal', 'mig_journal'))[0]?.n ?? 0),
    }
  }
  const reverted = (r: Result) => json<{ migrations: { project: string; id: string }[] }>(r).migrations.map((m) => `${m.project} ${m.id}`)

  it('up --dry-run prints the global order (untimed last) and touches nothing', async () => {
    const r = await ok('up', '--dry-run', '--json')
    expect(json(r)).toEqual({
      dryRun: true,
      migrations: [
        { project: 'orders', id: ORDERS, direction: 'up' },
        { project: 'accounts', id: ACCOUNTS, direction: 'up' },
        { project: 'many', id: MANY, direction: 'up' },
      ],
      exitCode: 0,
    })
    for (const table of [LEDGER, 'knex_migrations', 'mig_journal', 'mig_lock']) expect(await tableExists(db, table)).toBe(false)
    expect(await tableExists(manyDb, 'mig_journal')).toBe(false)
    const text = await ok('up', '--dry-run')
    expect(text.stdout).toMatch(/would apply\s+orders\s+20250101000000_create_orders\.js\n.*accounts.*\n.*many\s+300_t300\n/)
  })

  it('up --one applies the oldest timed migration; the NNN_ project does not jump ahead', async () => {
    await ok('up', '--project', 'accounts')
    const r = await ok('up', '--one')
    expect(r.stderr).toContain(`will apply orders ${ORDERS} (oldest pending)`)
    expect(await tables()).toEqual(['accounts_name', 'orders'])
    expect(await knexApplied()).toEqual([ORDERS])
  })

  it('down --dry-run names what down would revert and changes nothing', async () => {
    const before = await state()
    const r = await ok('down', '--dry-run', '--json')
    expect(json(r)).toEqual({ dryRun: true, migrations: [{ project: 'orders', id: ORDERS, direction: 'down' }], exitCode: 0 })
    expect((await ok('down', '--dry-run', '--step', '2')).stdout).toMatch(
      new RegExp(`would revert\\s+orders\\s+${ORDERS}\\n.*would revert\\s+accounts\\s+${ACCOUNTS}\\n`),
    )
    expect(await state()).toEqual(before)
    expect(await tables()).toEqual(['accounts_name', 'orders'])
  })

  it('down reverts the migration applied last, not the newest id timestamp', async () => {
    const r = await ok('down')
    expect(r.stderr).toMatch(new RegExp(`will revert orders ${ORDERS} \\(applied last, \\d{4}-\\d\\d-\\d\\dT`))
    expect(r.stdout).toContain(ORDERS)
    expect(await tables()).toEqual(['accounts_name'])
    expect(await knexApplied()).toEqual([])
  })

  it('an applied NNN_ migration does not jump the queue; --step follows application order', async () => {
    await ok('up', '--project', 'many')
    await ok('up', '--one')
    const last = await ok('down', '--json')
    expect(reverted(last)).toEqual([`orders ${ORDERS}`])
    expect(await tables()).toEqual(['accounts_name', 't300'])
    await ok('up', '--one')
    expect(reverted(await ok('down', '--step', '2', '--json'))).toEqual([`orders ${ORDERS}`, `many ${MANY}`])
    expect(await tables()).toEqual(['accounts_name'])
    expect(await knexApplied()).toEqual([])
  })

  it("uses knex's migration_time for a migration applied by knex itself", async () => {
    await ok('up', '--project', 'many')
    // knex's migration_time keeps whole seconds on MySQL: let a second pass so the order is knowable.
    await sleep(1100)
    await knexCli(join(root, 'orders'), ['migrate:up'])
    expect(await knexApplied()).toEqual([ORDERS])
    expect(reverted(await ok('down', '--dry-run', '--json'))).toEqual([`orders ${ORDERS}`])

    await ok('down', '--project', 'many')
    await sleep(1100)
    await ok('up', '--project', 'many')
    expect(reverted(await ok('down', '--json'))).toEqual([`many ${MANY}`])
    expect(reverted(await ok('down', '--json'))).toEqual([`orders ${ORDERS}`])
    expect(await knexApplied()).toEqual([])
    expect(await tables()).toEqual(['accounts_name'])
  })

  it('refuses when it cannot know which was applied last, and --project still works', async () => {
    // Applied by hand, outside mig: no journal row, and no time in the ledger.
    await manyDb.run('CREATE TABLE t300 (id INTEGER PRIMARY KEY)')
    await manyDb.run(`INSERT INTO ${LEDGER} (id, applied_at) VALUES (?, ?)`, [MANY, ''])
    const before = await state()
    const r = await run('down')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^Error: cannot tell which migration was applied last: many 300_t300 has no recorded apply time.*\nHint: revert one project at a time with --project: accounts, many; nothing was reverted\n$/,
    )
    expect(hasStack(r.stderr)).toBe(false)
    const asJson = await run('down', '--json', '--dry-run')
    expect(asJson.code).toBe(1)
    expect(json<{ error: { code: string } }>(asJson).error.code).toBe('DOWN_ORDER_UNKNOWN')
    expect(await state()).toEqual(before)

    const one = await ok('down', '--project', 'many')
    expect(one.stderr).toContain(`will revert many ${MANY} (applied last)`)
    expect(await tables()).toEqual(['accounts_name'])
  })
})
