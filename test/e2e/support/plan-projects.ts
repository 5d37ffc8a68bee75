import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dialect } from '../../../src/db/types.js'
import type { TestDatabase } from '../../../src/testing/index.js'
import { writeKnexProject } from '../../../plugins/knex/test/helpers.js'
import { writePrismaProject } from '../../../plugins/prisma/test/helpers.js'
import { writeSequelizeProject } from '../../../plugins/sequelize/test/helpers.js'
import { writeTypeormProject } from '../../../plugins/typeorm/test/helpers.js'
import { repoRoot } from '../../helpers.js'
import { type Tool, declareMigTablesExternal } from './verify-projects.js'

/**
 * The same project for each tool, written in that tool's own way: one
 * migration creating plan_items (with a row), applied before plan runs,
 * then two pending: plan_tags with an index, and one that reads plan_items
 * before it alters it. In the log of everything `up` sends (driverLogPreload),
 * a migration's own SQL is what comes between the marks its body logs, or,
 * for Prisma's scripts, which run no code, the SQL naming a plan_* table.
 */
export interface PlanIds {
  items: string
  tags: string
  note: string
}

export const planIds: Record<Tool, PlanIds> = {
  sql: { items: '001_items', tags: '002_tags', note: '003_note' },
  knex: { items: '20240101000000_items.js', tags: '20240102000000_tags.js', note: '20240103000000_note.js' },
  typeorm: { items: 'Items1704067200000', tags: 'Tags1704153600000', note: 'Note1704240000000' },
  sequelize: { items: '20240101000000-items.js', tags: '20240102000000-tags.js', note: '20240103000000-note.js' },
  prisma: { items: '20240101000000_items', tags: '20240102000000_tags', note: '20240103000000_note' },
}

/** The plain-SQL project's files, also the oracle for what `up` runs with the sql tool. */
export const sqlFiles = (dialect: Dialect): Record<string, string> => ({
  '001_items.up.sql':
    "CREATE TABLE plan_items (id INTEGER PRIMARY KEY, name VARCHAR(50));\nINSERT INTO plan_items (id, name) VALUES (1, 'one');\n",
  '001_items.down.sql': 'DROP TABLE plan_items;\n',
  '002_tags.up.sql':
    "CREATE TABLE plan_tags (id INTEGER PRIMARY KEY, label VARCHAR(20) DEFAULT 'x');\nCREATE INDEX plan_tags_label ON plan_tags (label);\n",
  '002_tags.down.sql': 'DROP TABLE plan_tags;\n',
  '003_note.up.sql': `SELECT count(*) FROM plan_items;\nALTER TABLE plan_items ADD ${dialect === 'sqlite' ? 'COLUMN ' : ''}note VARCHAR(10);\n`,
  '003_note.down.sql': 'ALTER TABLE plan_items DROP COLUMN note;\n',
})

/**
 * A migration body between two marks in the driver log (driverLogPreload):
 * what the tool sends between them is what the migration itself runs.
 */
const marked = (body: string, ts = false): string => {
  const mark = ts ? '(globalThis as any).planMark?.' : 'globalThis.planMark?.'
  return `${mark}('begin'); ${body}; ${mark}('end')`
}

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

const typeormId = "{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }"

/** TypeORM's QueryRunner API; `Table`, `TableColumn` come from the project's typeorm. */
const typeormMigrations = [
  {
    className: 'Items1704067200000',
    up: `await q.createTable(new Table({ name: 'plan_items', columns: [${typeormId}, { name: 'name', type: 'varchar', length: '50', isNullable: true }] })); await q.query("INSERT INTO plan_items (name) VALUES ('one')")`,
    down: "await q.dropTable('plan_items')",
  },
  {
    className: 'Tags1704153600000',
    up: `await q.createTable(new Table({ name: 'plan_tags', columns: [${typeormId}, { name: 'label', type: 'varchar', length: '20', default: "'x'", isNullable: true }], indices: [{ name: 'plan_tags_label', columnNames: ['label'] }] }))`,
    down: "await q.dropTable('plan_tags')",
  },
  {
    className: 'Note1704240000000',
    up: "await q.query('SELECT id FROM plan_items'); await q.addColumn('plan_items', new TableColumn({ name: 'note', type: 'varchar', length: '10', isNullable: true }))",
    down: "await q.dropColumn('plan_items', 'note')",
  },
]

function writeTypeorm(dir: string, dialect: Dialect, database: TestDatabase): void {
  writeTypeormProject(dir, dialect, database.url)
  mkdirSync(join(dir, 'src', 'migrations'), { recursive: true })
  for (const m of typeormMigrations)
    writeFileSync(
      join(dir, 'src', 'migrations', `${m.className.slice(-13)}-${m.className.slice(0, -13)}.ts`),
      `import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm'\n\nexport class ${m.className} implements MigrationInterface {\n  public async up(q: QueryRunner): Promise<void> { ${marked(m.up, true)} }\n  public async down(q: QueryRunner): Promise<void> { ${m.down} }\n}\n`,
    )
}

const sequelizeMigrations = [
  {
    name: '20240101000000-items.js',
    up: "await queryInterface.createTable('plan_items', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true }, name: Sequelize.STRING(50) }); await queryInterface.bulkInsert('plan_items', [{ name: 'one' }])",
    down: "await queryInterface.dropTable('plan_items')",
  },
  {
    name: '20240102000000-tags.js',
    up: "await queryInterface.createTable('plan_tags', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true }, label: { type: Sequelize.STRING(20), defaultValue: 'x' } }); await queryInterface.addIndex('plan_tags', ['label'], { name: 'plan_tags_label' })",
    down: "await queryInterface.dropTable('plan_tags')",
  },
  {
    name: '20240103000000-note.js',
    up: "await queryInterface.sequelize.query('SELECT id FROM plan_items'); await queryInterface.addColumn('plan_items', 'note', Sequelize.STRING(10))",
    down: "await queryInterface.removeColumn('plan_items', 'note')",
  },
]

/** Prisma's migration.sql and down.sql, quoted as `prisma migrate dev` writes them. */
const prismaMigrations = (dialect: Dialect) => [
  {
    name: '20240101000000_items',
    up: 'CREATE TABLE "plan_items" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(50));\nINSERT INTO "plan_items" ("id", "name") VALUES (1, \'one\');\n',
    down: 'DROP TABLE "plan_items";\n',
  },
  {
    name: '20240102000000_tags',
    up: 'CREATE TABLE "plan_tags" ("id" INTEGER NOT NULL PRIMARY KEY, "label" VARCHAR(20) DEFAULT \'x\');\nCREATE INDEX "plan_tags_label" ON "plan_tags"("label");\n',
    down: 'DROP TABLE "plan_tags";\n',
  },
  {
    name: '20240103000000_note',
    up: `SELECT count(*) FROM "plan_items";\nALTER TABLE "plan_items" ADD ${dialect === 'sqlite' ? 'COLUMN ' : ''}"note" VARCHAR(10);\n`,
    down: 'ALTER TABLE "plan_items" DROP COLUMN "note";\n',
  },
]

/** The project of `tool` in `dir`, on `database` (a sql project's URL goes in mig.config.json). */
export function writePlanProject(tool: Tool, dir: string, dialect: Dialect, database: TestDatabase): void {
  mkdirSync(dir, { recursive: true })
  if (tool === 'sql') {
    mkdirSync(join(dir, 'migrations'), { recursive: true })
    for (const [file, text] of Object.entries(sqlFiles(dialect))) writeFileSync(join(dir, 'migrations', file), text)
  } else if (tool === 'knex')
    writeKnexProject(dir, dialect, database.url, { migrationsList: knexMigrations.map((m) => ({ ...m, up: marked(m.up) })) })
  else if (tool === 'typeorm') writeTypeorm(dir, dialect, database)
  else if (tool === 'sequelize')
    writeSequelizeProject(dir, dialect, database.url, { migrations: sequelizeMigrations.map((m) => ({ ...m, up: marked(m.up) })) })
  else {
    writePrismaProject(dir, dialect, database.url, prismaMigrations(dialect))
    declareMigTablesExternal(dir, dialect)
  }
}

/**
 * A `node --require` preload that logs every SQL text handed to a database
 * driver (pg, mysql2, better-sqlite3, sqlite3) to $PLAN_LOG, one JSON string
 * a line: below the tool, so it is what `up` really sends, the oracle for
 * what plan printed. It wraps the drivers' prototypes, so mig's own queries
 * are logged too; `planMark` (called by the migrations, see `marked`) logs
 * `{ "mark": … }` lines around a migration's own work.
 */
export const driverLogPreload = `const fs = require('node:fs')
const load = require('node:module').createRequire(${JSON.stringify(join(repoRoot, 'package.json'))})
const log = (entry) => process.env.PLAN_LOG && fs.appendFileSync(process.env.PLAN_LOG, JSON.stringify(entry) + '\\n')
globalThis.planMark = (mark) => log({ mark })
const wrap = (proto, names) => {
  for (const name of names) {
    const own = proto[name]
    proto[name] = function (q, ...rest) {
      log(typeof q === 'string' ? q : (q.text ?? q.sql))
      return own.call(this, q, ...rest)
    }
  }
}
wrap(load('pg').Client.prototype, ['query'])
wrap(load('mysql2').Connection.prototype, ['query', 'execute'])
wrap(load('better-sqlite3').prototype, ['prepare', 'exec'])
wrap(load('sqlite3').Database.prototype, ['run', 'all', 'get', 'each', 'map', 'exec', 'prepare'])
`

/**
 * What the driver log says `up` ran, per migration: the SQL between each
 * pair of marks; a Prisma project has no code to mark, and its scripts are
 * the only SQL naming a plan_* table, one per migration.
 */
export function sentPerMigration(log: string): string[][] {
  const entries = log
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string | { mark: 'begin' | 'end' })
  if (!entries.some((e) => typeof e === 'object')) return entries.filter((e): e is string => /plan_/.test(e as string)).map((e) => [e])
  const out: string[][] = []
  let open: string[] | undefined
  for (const entry of entries) {
    if (typeof entry === 'string') open?.push(entry)
    else if (entry.mark === 'begin') out.push((open = []))
    else open = undefined
  }
  return out
}
