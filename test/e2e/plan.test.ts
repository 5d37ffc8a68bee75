import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { splitStatements } from '../../src/adapters/sql/statements.js'
import { ledgerTables, migTables, snapshot } from '../../src/db/snapshot.js'
import type { Db } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, withPlugins } from '../helpers.js'
import { planSchema } from '../support/schemas.js'
import { driverLogPreload, planIds, sentPerMigration, sqlFiles, writePlanProject } from './support/plan-projects.js'
import { type Tool, toolDialects, tools } from './support/verify-projects.js'

/** Each tool's ledger: the table that holds a row per applied migration. */
const ledger: Record<Tool, (typeof ledgerTables)[number]> = {
  sql: 'mig_sql_migrations',
  knex: 'knex_migrations',
  typeorm: 'migrations',
  sequelize: 'SequelizeMeta',
  prisma: '_prisma_migrations',
}

/** Everything plan must not change: the schema, every row of every ledger, lock table and mig's journal and lock, and the data. */
async function targetState(db: Db): Promise<string> {
  const quote = (table: string) => (db.dialect === 'mysql' ? `\`${table}\`` : `"${table}"`)
  const rows: Record<string, unknown[]> = {}
  for (const table of [...ledgerTables, ...migTables, 'plan_items']) {
    if (await db.tableExists(table)) rows[table] = await db.query(`SELECT * FROM ${quote(table)} ORDER BY 1`)
  }
  return JSON.stringify({ schema: await snapshot(db), rows })
}

const dialects = await availableDialects()

/** `text` as a regular expression source, matched literally. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Tests that fail today because of a bug outside these tests, each marked
 * `it.fails` until it is fixed (the mark then fails, so it gets removed).
 */
const knownBugs: Partial<Record<`${Tool}/${'order' | 'sql'}`, string>> = {}

/**
 * One parameterised test: every tool on every dialect it runs on, the same
 * project (support/plan-projects.ts) and the same assertions.
 */
describe.each(tools)('mig plan with %s', (tool) => {
  const ids = planIds[tool]
  describe.each(toolDialects(tool, dialects))('on %s', (dialect) => {
    let database: TestDatabase
    let root: string
    let env: NodeJS.ProcessEnv = {}
    const dir = () => join(root, 'app')
    const log = () => join(root, 'driver.log')
    const preload = () => join(root, 'driver-log.cjs')

    beforeAll(async () => {
      if (tool !== 'sql') env = await withPlugins(tool)
      database = await createTestDatabase(dialect)
      root = tempDir()
      writeFileSync(
        join(root, 'mig.config.json'),
        JSON.stringify({ projects: [{ name: 'app', tool, dir: 'app', ...(tool === 'sql' ? { url: database.url } : {}) }] }),
      )
      writeFileSync(preload(), driverLogPreload)
      writePlanProject(tool, dir(), dialect, database)
    })

    afterAll(async () => {
      await database?.drop()
      if (root) rmSync(root, { recursive: true, force: true })
    })

    const bug = (which: 'order' | 'sql') => (knownBugs[`${tool}/${which}`] ? it.fails : it)
    const run = (...args: string[]) =>
      mig(args, { cwd: root, env: { ...env, NODE_ENV: 'development', PLAN_LOG: log() }, nodeArgs: ['--require', preload()] })

    /** One `plan --json` after the first migration is applied, shared by the tests below. */
    let before: string
    /** `plan` as text, run by the first test. */
    let planText = ''
    let planned: Promise<ReturnType<typeof planSchema.parse>> | undefined
    const plan = () =>
      (planned ??= run('plan', '--json').then((r) => {
        expect(r.code, r.stderr).toBe(0)
        return planSchema.parse(JSON.parse(r.stdout))
      }))

    it('leaves the target byte-identical: schema, every ledger row, the lock tables, mig_journal and the data', async () => {
      const first = await run('up', '--one')
      expect(first.code, first.stderr).toBe(0)
      const db = await database.db()
      before = await targetState(db)
      // The state holds what the first up wrote: its row in the tool's ledger, mig's journal, the data.
      const { rows } = JSON.parse(before) as { rows: Record<string, unknown[]> }
      for (const table of [ledger[tool], 'mig_journal', 'plan_items']) expect(rows[table]?.length, table).toBeGreaterThan(0)

      expect((await plan()).projects).toEqual(['app'])
      expect(await targetState(db)).toBe(before)

      const text = await run('plan')
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/schema-only copies/)
      planText = text.stdout
      expect(await targetState(db)).toBe(before)
    })

    bug('order')('lists the pending migrations in order and marks what follows a read as data-dependent', async () => {
      const { migrations } = await plan()
      expect(migrations.map((m) => [m.project, m.id, m.error])).toEqual([
        ['app', ids.tags, undefined],
        ['app', ids.note, undefined],
      ])
      // The statements after the read of plan_items are marked, the read and what came before are not.
      expect(migrations[0]!.dataDependent).toEqual([])
      const [read, ...rest] = migrations[1]!.statements
      expect(read).toMatch(/^select/i)
      expect(migrations[1]!.dataDependent).toEqual(rest.map((_, i) => i + 1))
      expect(planText).toMatch(new RegExp(`^app ${literal(ids.note)}\n {2}select`, 'im'))
      // A Prisma script is captured whole, as one statement: nothing runs after its read.
      if (rest.length) expect(planText).toMatch(/may depend on data/)
    })

    bug('sql')('prints the SQL that up then runs, statement by statement', async () => {
      const { migrations } = await plan()
      expect(planText).toMatch(new RegExp(`^app ${literal(ids.tags)}\n {2}create table`, 'im'))
      // What up really runs: the files' statements (sql), or what the drivers were handed (support/plan-projects.ts).
      rmSync(log(), { force: true })
      const up = await run('up')
      expect(up.code, up.stderr).toBe(0)
      // A statement naming its database names the scratch copy plan ran on (TypeORM's catalog reads on MySQL).
      const name = dialect === 'sqlite' ? undefined : new URL(database.url).pathname.slice(1)
      const shown = migrations.map((m) => m.statements.map((sql) => (name ? sql.replace(/mig_scratch_\w+/g, name) : sql)))
      if (tool === 'sql') {
        const files = sqlFiles(dialect)
        expect(shown).toEqual(['002_tags.up.sql', '003_note.up.sql'].map((f) => splitStatements(files[f]!, dialect)))
      } else expect(shown).toEqual(sentPerMigration(readFileSync(log(), 'utf8')))
      expect(await targetState(await database.db())).not.toBe(before)
    })
  })
})
