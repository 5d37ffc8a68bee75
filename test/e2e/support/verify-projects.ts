import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dialect } from '../../../src/db/types.js'
import type { TestDatabase } from '../../../src/testing/index.js'
import { type KnexMigration, writeKnexProject } from '../../../plugins/knex/test/helpers.js'
import { type PrismaMigration, writePrismaProject } from '../../../plugins/prisma/test/helpers.js'
import { type SequelizeMigration, writeSequelizeProject } from '../../../plugins/sequelize/test/helpers.js'
import { type TypeormMigration, writeTypeormProject } from '../../../plugins/typeorm/test/helpers.js'

/**
 * The same four projects for each tool, written in that tool's own way:
 * `good` (reverts cleanly), `noindex` (its down forgets an index its up
 * made), `nocolumn` (its down does not restore a column its up dropped) and
 * `nodown` (no down at all). Each starts with a migration creating
 * `customers` (id, email, phone).
 */
export type Case = 'good' | 'noindex' | 'nocolumn' | 'nodown'
export const cases: Case[] = ['good', 'noindex', 'nocolumn', 'nodown']

export const tools = ['sql', 'knex', 'typeorm', 'sequelize', 'prisma'] as const
export type Tool = (typeof tools)[number]

/** The dialects a tool is tested on: Prisma's own CLI (the plugin tests' oracle) runs here on PostgreSQL and SQLite only. */
export const toolDialects = (tool: Tool, available: Dialect[]): Dialect[] =>
  tool === 'prisma' ? available.filter((d) => d !== 'mysql') : available

/** Each tool's migration ids: the first one (customers), and the second one of each case. */
export interface Ids {
  customers: string
  index: string
  column: string
  tags: string
}

export const verifyIds: Record<Tool, Ids> = {
  sql: { customers: '001_customers', index: '002_email_index', column: '002_drop_phone', tags: '002_tags' },
  knex: {
    customers: '20240101000000_customers.js',
    index: '20240102000000_email_index.js',
    column: '20240102000000_drop_phone.js',
    tags: '20240102000000_tags.js',
  },
  typeorm: {
    customers: 'Customers1704067200000',
    index: 'EmailIndex1704153600000',
    column: 'DropPhone1704153600000',
    tags: 'Tags1704153600000',
  },
  sequelize: {
    customers: '20240101000000-customers.js',
    index: '20240102000000-email_index.js',
    column: '20240102000000-drop_phone.js',
    tags: '20240102000000-tags.js',
  },
  prisma: {
    customers: '20240101000000_customers',
    index: '20240102000000_email_index',
    column: '20240102000000_drop_phone',
    tags: '20240102000000_tags',
  },
}

/** The id of a case's second migration. */
export const secondId = (tool: Tool, c: Case): string =>
  verifyIds[tool][c === 'good' || c === 'noindex' ? 'index' : c === 'nocolumn' ? 'column' : 'tags']

interface Step {
  id: string
  up: string
  /** undefined: no down. */
  down?: string
}

const sqlSteps = (c: Case): Step[] => [
  {
    id: '001_customers',
    up: 'CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(100), phone VARCHAR(20));\n',
    down: 'DROP TABLE customers;\n',
  },
  c === 'good'
    ? {
        id: '002_email_index',
        up: 'CREATE INDEX customers_email_index ON customers (email);\n',
        down: 'DROP INDEX customers_email_index;\n',
      }
    : c === 'noindex'
      ? {
          id: '002_email_index',
          up: 'CREATE INDEX customers_email_index ON customers (email);\nCREATE TABLE tags (id INTEGER PRIMARY KEY);\n',
          down: 'DROP TABLE tags;\n',
        }
      : c === 'nocolumn'
        ? { id: '002_drop_phone', up: 'ALTER TABLE customers DROP COLUMN phone;\n', down: 'SELECT 1;\n' }
        : { id: '002_tags', up: 'CREATE TABLE tags (id INTEGER PRIMARY KEY);\n' },
]

/** DROP INDEX needs its table on MariaDB. */
const dropIndex = (dialect: Dialect, sql: string): string =>
  dialect === 'mysql' ? sql.replace(/DROP INDEX (\w+)/, 'DROP INDEX $1 ON customers') : sql

function writeSql(dir: string, c: Case, dialect: Dialect): void {
  mkdirSync(join(dir, 'migrations'), { recursive: true })
  for (const s of sqlSteps(c)) {
    writeFileSync(join(dir, 'migrations', `${s.id}.up.sql`), s.up)
    if (s.down !== undefined) writeFileSync(join(dir, 'migrations', `${s.id}.down.sql`), dropIndex(dialect, s.down))
  }
}

const knexSteps = (c: Case): KnexMigration[] => [
  {
    name: '20240101000000_customers.js',
    up: "await knex.schema.createTable('customers', (t) => { t.increments('id'); t.string('email', 100); t.string('phone', 20) })",
    down: "await knex.schema.dropTable('customers')",
  },
  c === 'good'
    ? {
        name: '20240102000000_email_index.js',
        up: "await knex.schema.alterTable('customers', (t) => { t.index(['email'], 'customers_email_index') })",
        down: "await knex.schema.alterTable('customers', (t) => { t.dropIndex(['email'], 'customers_email_index') })",
      }
    : c === 'noindex'
      ? {
          name: '20240102000000_email_index.js',
          up: "await knex.schema.alterTable('customers', (t) => { t.index(['email'], 'customers_email_index') }); await knex.schema.createTable('tags', (t) => { t.increments('id') })",
          down: "await knex.schema.dropTable('tags')",
        }
      : c === 'nocolumn'
        ? {
            name: '20240102000000_drop_phone.js',
            up: "await knex.schema.alterTable('customers', (t) => { t.dropColumn('phone') })",
            down: '',
          }
        : { name: '20240102000000_tags.js', up: "await knex.schema.createTable('tags', (t) => { t.increments('id') })", down: '' },
]

function writeKnex(dir: string, c: Case, dialect: Dialect, database: TestDatabase): void {
  writeKnexProject(dir, dialect, database.url, { migrationsList: knexSteps(c) })
  // A module with no down at all, as knex's own stub without one.
  if (c === 'nodown')
    writeFileSync(
      join(dir, 'migrations', '20240102000000_tags.js'),
      "exports.up = async (knex) => { await knex.schema.createTable('tags', (t) => { t.increments('id') }) }\n",
    )
}

/** TypeORM's QueryRunner API; `Table`, `TableIndex` and `TableColumn` come from the project's typeorm. */
const typeormSteps = (c: Case): TypeormMigration[] => [
  {
    className: 'Customers1704067200000',
    up: "await q.createTable(new Table({ name: 'customers', columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }, { name: 'email', type: 'varchar', length: '100', isNullable: true }, { name: 'phone', type: 'varchar', length: '20', isNullable: true }] }))",
    down: "await q.dropTable('customers')",
  },
  c === 'good'
    ? {
        className: 'EmailIndex1704153600000',
        up: "await q.createIndex('customers', new TableIndex({ name: 'customers_email_index', columnNames: ['email'] }))",
        down: "await q.dropIndex('customers', 'customers_email_index')",
      }
    : c === 'noindex'
      ? {
          className: 'EmailIndex1704153600000',
          up: "await q.createIndex('customers', new TableIndex({ name: 'customers_email_index', columnNames: ['email'] })); await q.createTable(new Table({ name: 'tags', columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }] }))",
          down: "await q.dropTable('tags')",
        }
      : c === 'nocolumn'
        ? { className: 'DropPhone1704153600000', up: "await q.dropColumn('customers', 'phone')", down: '' }
        : {
            className: 'Tags1704153600000',
            up: "await q.createTable(new Table({ name: 'tags', columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }] }))",
            down: '',
          },
]

function writeTypeorm(dir: string, c: Case, dialect: Dialect, database: TestDatabase): void {
  writeTypeormProject(dir, dialect, database.url)
  mkdirSync(join(dir, 'src', 'migrations'), { recursive: true })
  for (const m of typeormSteps(c)) {
    const epoch = m.className.slice(-13)
    // A class with no down method at all stands for "no down" (TypeORM's MigrationInterface requires one; plain JS or a cast skips it).
    const down =
      c === 'nodown' && m.className.startsWith('Tags') ? '' : `  public async down(q: QueryRunner): Promise<void> { ${m.down} }\n`
    writeFileSync(
      join(dir, 'src', 'migrations', `${epoch}-${m.className.slice(0, -13)}.ts`),
      `import { QueryRunner, Table, TableIndex } from 'typeorm'\n\nexport class ${m.className} {\n  public async up(q: QueryRunner): Promise<void> { ${m.up} }\n${down}}\n`,
    )
  }
}

/**
 * customers.id without autoIncrement: on SQLite, Sequelize's removeColumn
 * rebuilds the table from describeTable, which loses AUTOINCREMENT, and
 * verify rightly names that as a second difference of `nocolumn`.
 */
const sequelizeSteps = (c: Case): SequelizeMigration[] => [
  {
    name: '20240101000000-customers.js',
    up: "await queryInterface.createTable('customers', { id: { type: Sequelize.INTEGER, primaryKey: true }, email: Sequelize.STRING(100), phone: Sequelize.STRING(20) })",
    down: "await queryInterface.dropTable('customers')",
  },
  c === 'good'
    ? {
        name: '20240102000000-email_index.js',
        up: "await queryInterface.addIndex('customers', ['email'], { name: 'customers_email_index' })",
        down: "await queryInterface.removeIndex('customers', 'customers_email_index')",
      }
    : c === 'noindex'
      ? {
          name: '20240102000000-email_index.js',
          up: "await queryInterface.addIndex('customers', ['email'], { name: 'customers_email_index' }); await queryInterface.createTable('tags', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true } })",
          down: "await queryInterface.dropTable('tags')",
        }
      : c === 'nocolumn'
        ? { name: '20240102000000-drop_phone.js', up: "await queryInterface.removeColumn('customers', 'phone')", down: '' }
        : {
            name: '20240102000000-tags.js',
            up: "await queryInterface.createTable('tags', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true } })",
            down: '',
          },
]

function writeSequelize(dir: string, c: Case, dialect: Dialect, database: TestDatabase): void {
  writeSequelizeProject(dir, dialect, database.url, { migrations: sequelizeSteps(c) })
  // A module exporting only up, as a hand-written one that never got its down.
  if (c === 'nodown')
    writeFileSync(
      join(dir, 'migrations', '20240102000000-tags.js'),
      "'use strict'\nmodule.exports = {\n  async up(queryInterface, Sequelize) { await queryInterface.createTable('tags', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true } }) },\n}\n",
    )
}

/** Prisma's migration.sql as `prisma migrate dev` writes it (quoted names), and the down.sql mig runs beside it; no down.sql: no down. */
const prismaSteps = (c: Case): PrismaMigration[] => [
  {
    name: '20240101000000_customers',
    up: 'CREATE TABLE "customers" ("id" INTEGER NOT NULL PRIMARY KEY, "email" VARCHAR(100), "phone" VARCHAR(20));\n',
    down: 'DROP TABLE "customers";\n',
  },
  c === 'good'
    ? {
        name: '20240102000000_email_index',
        up: 'CREATE INDEX "customers_email_index" ON "customers"("email");\n',
        down: 'DROP INDEX "customers_email_index";\n',
      }
    : c === 'noindex'
      ? {
          name: '20240102000000_email_index',
          up: 'CREATE INDEX "customers_email_index" ON "customers"("email");\nCREATE TABLE "tags" ("id" INTEGER NOT NULL PRIMARY KEY);\n',
          down: 'DROP TABLE "tags";\n',
        }
      : c === 'nocolumn'
        ? { name: '20240102000000_drop_phone', up: 'ALTER TABLE "customers" DROP COLUMN "phone";\n', down: 'SELECT 1;\n' }
        : { name: '20240102000000_tags', up: 'CREATE TABLE "tags" ("id" INTEGER NOT NULL PRIMARY KEY);\n' },
]

/** Project `c` of `tool` in `<root>/<c>`, on `database` (a sql project's URL goes in mig.config.json). */
export function writeVerifyProject(tool: Tool, root: string, c: Case, dialect: Dialect, database: TestDatabase): void {
  const dir = join(root, c)
  mkdirSync(dir, { recursive: true })
  if (tool === 'sql') writeSql(dir, c, dialect)
  else if (tool === 'knex') writeKnex(dir, c, dialect, database)
  else if (tool === 'typeorm') writeTypeorm(dir, c, dialect, database)
  else if (tool === 'sequelize') writeSequelize(dir, c, dialect, database)
  else writePrisma(dir, c, dialect, database)
}

function writePrisma(dir: string, c: Case, dialect: Dialect, database: TestDatabase): void {
  writePrismaProject(dir, dialect, database.url, prismaSteps(c))
  declareMigTablesExternal(dir, dialect)
}

/** mig's tables declared external in prisma.config.ts, as the plugin's README asks (else up and down print that advice). */
export function declareMigTablesExternal(dir: string, dialect: Dialect): void {
  const external = dialect === 'postgres' ? ['public.mig_journal'] : ['mig_journal', 'mig_lock']
  const config = join(dir, 'prisma.config.ts')
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(
      'defineConfig({\n',
      `defineConfig({\n  experimental: { externalTables: true },\n  tables: { external: ${JSON.stringify(external)} },\n`,
    ),
  )
}
