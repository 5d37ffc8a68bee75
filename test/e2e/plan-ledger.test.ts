import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db, Dialect } from '../../src/db/types.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, withPlugins } from '../helpers.js'
import { planSchema, verifySchema } from '../support/schemas.js'
import { createTable as knexTable, writeKnexProject } from '../../plugins/knex/test/helpers.js'
import { createTable as sequelizeTable, writeSequelizeProject } from '../../plugins/sequelize/test/helpers.js'
import { createTable as typeormTable, writeTypeormProject } from '../../plugins/typeorm/test/helpers.js'

/**
 * Projects that name their ledger themselves (issue #15): knex
 * `migrations.tableName`, TypeORM `migrationsTableName`, Sequelize
 * `migrationStorageTableName`. One migration applied, one pending that
 * counts the ledger's rows and names its table after the count (its down
 * runs before its own row goes, hence n - 1): plan must
 * copy the project's own ledger into its scratch database (`ledger_two_1`,
 * not `ledger_two_0`), and verify must leave it out of its comparisons.
 */
const tools = {
  knex: {
    ledger: 'app_ledger',
    ids: ['20240101000000_one.js', '20240102000000_two.js'],
    write(dir: string, dialect: Dialect, url: string) {
      const two = {
        ...knexTable('20240102000000_two.js', 'ledger_two'),
        up: "const [{ n }] = await knex('app_ledger').count({ n: '*' }); await knex.schema.createTable(`ledger_two_${n}`, (t) => { t.increments('id') })",
        down: "const [{ n }] = await knex('app_ledger').count({ n: '*' }); await knex.schema.dropTable(`ledger_two_${Number(n) - 1}`)",
      }
      writeKnexProject(dir, dialect, url, {
        migrations: { tableName: 'app_ledger' },
        migrationsList: [knexTable('20240101000000_one.js', 'ledger_one'), two],
      })
    },
  },
  typeorm: {
    ledger: 'app_ledger',
    ids: ['One1700000000000', 'Two1700000001000'],
    write(dir: string, dialect: Dialect, url: string) {
      const count = "const [{ n }] = await q.query('SELECT count(*) AS n FROM app_ledger');"
      writeTypeormProject(dir, dialect, url, [
        typeormTable('One1700000000000', 'ledger_one'),
        {
          className: 'Two1700000001000',
          up: `${count} await q.query(\`CREATE TABLE ledger_two_\${n} (id INTEGER PRIMARY KEY)\`)`,
          down: `${count} await q.query(\`DROP TABLE ledger_two_\${Number(n) - 1}\`)`,
        },
      ])
      const file = join(dir, 'src', 'data-source.ts')
      writeFileSync(file, readFileSync(file, 'utf8').replace('logging: false,', "logging: false,\n  migrationsTableName: 'app_ledger',"))
    },
  },
  sequelize: {
    ledger: 'AppLedger',
    ids: ['20240101000000-one.js', '20240102000000-two.js'],
    write(dir: string, dialect: Dialect, url: string) {
      const count = 'const [[{ n }]] = await queryInterface.sequelize.query(\'SELECT count(*) AS n FROM "AppLedger"\');'
      writeSequelizeProject(dir, dialect, url, {
        env: { migrationStorageTableName: 'AppLedger' },
        migrations: [
          sequelizeTable('20240101000000-one.js', 'ledger_one'),
          {
            name: '20240102000000-two.js',
            up: `${count} await queryInterface.createTable(\`ledger_two_\${n}\`, { id: { type: Sequelize.INTEGER, primaryKey: true } })`,
            down: `${count} await queryInterface.dropTable(\`ledger_two_\${Number(n) - 1}\`)`,
          },
        ],
      })
    },
  },
} as const

type Tool = keyof typeof tools

const dialects = await availableDialects()
// knex on every dialect; the other tools on SQLite and PostgreSQL, which are enough to show their adapters name their ledgers.
const cases = (Object.keys(tools) as Tool[]).flatMap((tool) =>
  dialects.filter((d) => tool === 'knex' || d !== 'mysql').map((dialect) => [tool, dialect] as const),
)

const quote = (db: Db, name: string) => (db.dialect === 'mysql' ? `\`${name}\`` : `"${name}"`)

describe.each(cases)('a %s project naming its own ledger table, on %s', (tool, dialect) => {
  const t = tools[tool]
  let database: TestDatabase
  let root: string
  let env: NodeJS.ProcessEnv = {}

  beforeAll(async () => {
    env = { ...(await withPlugins(tool)), NODE_ENV: 'development' }
    database = await createTestDatabase(dialect)
    root = tempDir()
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'app', tool, dir: 'app' }] }))
    t.write(join(root, 'app'), dialect, database.url)
  })

  afterAll(async () => {
    await database?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  })

  const run = (...args: string[]) => mig(args, { cwd: root, env })

  it('plan runs only the pending migration, on a copy that has the applied one in the ledger; verify passes', async () => {
    const up = await run('up', '--one')
    expect(up.code, up.stderr).toBe(0)
    const db = await database.db()
    const ledger = async () =>
      (await db.query<{ name: string }>(`SELECT name FROM ${quote(db, t.ledger)} ORDER BY name`)).map((r) => r.name)
    expect(await ledger()).toEqual([t.ids[0]])

    const plan = await run('plan', '--json')
    expect(plan.code, plan.stderr).toBe(0)
    const planned = planSchema.parse(JSON.parse(plan.stdout))
    expect(planned.migrations.map((m) => [m.id, m.error])).toEqual([[t.ids[1], undefined]])
    // The count the pending migration read on the copy: the applied row was there.
    expect(planned.migrations[0]!.statements.join('\n')).toMatch(/ledger_two_1\b/i)
    expect(planned.migrations[0]!.statements.join('\n')).not.toMatch(new RegExp(t.ledger, 'i'))

    const verify = await run('verify', '--json')
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
    const verified = verifySchema.parse(JSON.parse(verify.stdout))
    expect(verified.projects[0]!.migrations.map((m) => [m.id, m.outcome])).toEqual(t.ids.map((id) => [id, 'ok']))

    // Neither touched the target.
    expect(await ledger()).toEqual([t.ids[0]])
    expect(await db.tableExists('ledger_two_1')).toBe(false)
  })
})
