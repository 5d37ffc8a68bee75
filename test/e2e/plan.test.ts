import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { splitStatements } from '../../src/adapters/sql/statements.js'
import { ledgerTables, migTables, snapshot } from '../../src/db/snapshot.js'
import type { Db, Dialect } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, withPlugins } from '../helpers.js'
import { planSchema } from '../support/schemas.js'
import { writeKnexProject } from '../../plugins/knex/test/helpers.js'

/**
 * One applied migration creating plan_items (with a row), then two pending:
 * plan_tags with an index, and one that reads plan_items before it alters
 * it. Every statement of the migrations names a plan_* table, so they can
 * be told from the tool's own queries in a log of everything `up` sends.
 */
const sqlFiles = (dialect: Dialect): Record<string, string> => ({
  '001_items.up.sql':
    "CREATE TABLE plan_items (id INTEGER PRIMARY KEY, name VARCHAR(50));\nINSERT INTO plan_items (id, name) VALUES (1, 'one');\n",
  '001_items.down.sql': 'DROP TABLE plan_items;\n',
  '002_tags.up.sql':
    "CREATE TABLE plan_tags (id INTEGER PRIMARY KEY, label VARCHAR(20) DEFAULT 'x');\nCREATE INDEX plan_tags_label ON plan_tags (label);\n",
  '002_tags.down.sql': 'DROP TABLE plan_tags;\n',
  '003_note.up.sql': `SELECT count(*) FROM plan_items;\nALTER TABLE plan_items ADD ${dialect === 'sqlite' ? 'COLUMN ' : ''}note VARCHAR(10);\n`,
  '003_note.down.sql': 'ALTER TABLE plan_items DROP COLUMN note;\n',
})

const knexMigrations = [
  {
    name: '20240101000000_items.js',
    up: "await knex.schema.createTable('plan_items', (t) => { t.increments('id'); t.string('name', 50) }); await knex('plan_items').insert({ name: 'one' })",
    down: "await knex.schema.dropTable('plan_items')",
  },
  {
    name: '20240102000000_tags.js',
    up: "await knex.schema.createTable('plan_tags', (t) => { t.increments('id'); t.string('label', 20).defaultTo('x').index('plan_tags_label') })",
    down: "await knex.schema.dropTable('plan_tags')",
  },
  {
    name: '20240103000000_note.js',
    up: "await knex('plan_items').select('id'); await knex.schema.alterTable('plan_items', (t) => { t.string('note', 10) })",
    down: "await knex.schema.alterTable('plan_items', (t) => { t.dropColumn('note') })",
  },
]

/**
 * Logs every SQL text the driver is handed, below knex (pool.afterCreate
 * wraps the connection's own query method), to $PLAN_LOG: what `up` really
 * sends, the oracle for what plan printed.
 */
const driverLog = `(conn, done) => {
  const fs = require('node:fs')
  const log = (sql) => process.env.PLAN_LOG && fs.appendFileSync(process.env.PLAN_LOG, JSON.stringify(sql) + '\\n')
  const method = typeof conn.prepare === 'function' && !conn.query ? 'prepare' : 'query'
  const own = conn[method]
  conn[method] = function (q, ...rest) { log(typeof q === 'string' ? q : (q.text ?? q.sql)); return own.call(this, q, ...rest) }
  done(null, conn)
}`

function writeKnex(dir: string, dialect: Dialect, database: TestDatabase): void {
  writeKnexProject(dir, dialect, database.url, { migrationsList: knexMigrations })
  const file = join(dir, 'knexfile.js')
  const text = readFileSync(file, 'utf8').replace(/^module\.exports = /, 'const config = ')
  writeFileSync(
    file,
    `${text}\nfor (const env of Object.values(config)) env.pool = { afterCreate: ${driverLog} }\nmodule.exports = config\n`,
  )
}

/** Everything plan must not change: the schema, every row of every ledger, lock table and mig's journal and lock. */
async function targetState(db: Db): Promise<string> {
  const rows: Record<string, unknown[]> = {}
  for (const table of [...ledgerTables, ...migTables, 'plan_items']) {
    if (await db.tableExists(table)) rows[table] = await db.query(`SELECT * FROM ${table} ORDER BY 1`)
  }
  return JSON.stringify({ schema: await snapshot(db), rows })
}

const dialects = await availableDialects()

describe.each(['sql', 'knex'] as const)('mig plan with %s', (tool) => {
  describe.each(dialects)('on %s', (dialect) => {
    let database: TestDatabase
    let root: string
    let env: NodeJS.ProcessEnv = {}
    const dir = () => join(root, 'app')
    const log = () => join(root, 'driver.log')

    beforeAll(async () => {
      if (tool === 'knex') env = await withPlugins('knex')
      database = await createTestDatabase(dialect)
      root = tempDir()
      writeFileSync(
        join(root, 'mig.config.json'),
        JSON.stringify({ projects: [{ name: 'app', tool, dir: 'app', ...(tool === 'sql' ? { url: database.url } : {}) }] }),
      )
      if (tool === 'sql') {
        mkdirSync(join(dir(), 'migrations'), { recursive: true })
        for (const [file, text] of Object.entries(sqlFiles(dialect))) writeFileSync(join(dir(), 'migrations', file), text)
      } else writeKnex(dir(), dialect, database)
    })

    afterAll(async () => {
      await database?.drop()
      if (root) rmSync(root, { recursive: true, force: true })
    })

    const run = (...args: string[]) => mig(args, { cwd: root, env: { ...env, NODE_ENV: 'development', PLAN_LOG: log() } })

    it('prints the SQL up then runs, statement by statement, and leaves the target as it was', async () => {
      expect((await run('up', '--one')).code).toBe(0)
      const db = await database.db()
      const before = await targetState(db)

      const r = await run('plan', '--json')
      expect(r.code, r.stderr).toBe(0)
      const plan = planSchema.parse(JSON.parse(r.stdout))
      expect(plan.projects).toEqual(['app'])
      expect(plan.migrations.map((m) => [m.project, m.id.replace(/\.js$/, '')])).toEqual([
        ['app', tool === 'sql' ? '002_tags' : '20240102000000_tags'],
        ['app', tool === 'sql' ? '003_note' : '20240103000000_note'],
      ])
      expect(plan.migrations.every((m) => m.error === undefined)).toBe(true)
      // The statements after the read of plan_items are marked, the read and what came before are not.
      expect(plan.migrations[0]!.dataDependent).toEqual([])
      const [read, ...rest] = plan.migrations[1]!.statements
      expect(read).toMatch(/^select/i)
      expect(plan.migrations[1]!.dataDependent).toEqual(rest.map((_, i) => i + 1))
      expect(await targetState(db)).toBe(before)

      const text = await run('plan')
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/schema-only copies/)
      expect(text.stdout).toMatch(/^app (002_tags|20240102000000_tags\.js)\n {2}create table/im)
      expect(text.stdout).toMatch(/may depend on data/)
      expect(await targetState(db)).toBe(before)

      // What up really runs: the files' statements (sql), or everything knex handed its driver that names a migration table.
      rmSync(log(), { force: true })
      expect((await run('up')).code).toBe(0)
      const planned = plan.migrations.flatMap((m) => m.statements)
      if (tool === 'sql') {
        const files = ['002_tags.up.sql', '003_note.up.sql'].flatMap((f) =>
          splitStatements(readFileSync(join(dir(), 'migrations', f), 'utf8'), dialect),
        )
        expect(planned).toEqual(files)
      } else {
        const sent = readFileSync(log(), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as string)
        expect(planned).toEqual(sent.filter((sql) => /plan_/.test(sql)))
      }
      expect(await targetState(db)).not.toBe(before)
    })
  })
})
