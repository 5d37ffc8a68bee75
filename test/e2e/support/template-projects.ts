import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Adapter } from '../../../src/adapter.js'
import { sqlAdapter } from '../../../src/adapters/sql/adapter.js'
import type { Dialect } from '../../../src/db/types.js'
import type { TestDatabase } from '../../../src/testing/databases.js'
import { knexAdapter } from '../../../plugins/knex/src/adapter.js'
import { knexClient, knexMigrateList, writeKnexProject } from '../../../plugins/knex/test/helpers.js'
import { prismaAdapter } from '../../../plugins/prisma/src/adapter.js'
import { forDialect, migrateStatus as prismaStatus, prismaUrl, writePrismaProject } from '../../../plugins/prisma/test/helpers.js'
import { sequelizeAdapter } from '../../../plugins/sequelize/src/adapter.js'
import { migrateStatus as sequelizeStatus, writeSequelizeProject } from '../../../plugins/sequelize/test/helpers.js'
import { typeormAdapter } from '../../../plugins/typeorm/src/adapter.js'
import { migrationShow, writeTypeormProject } from '../../../plugins/typeorm/test/helpers.js'

export type Tool = 'sql' | 'knex' | 'typeorm' | 'sequelize' | 'prisma'
/** knex writes what the project uses: CommonJS, ESM (`"type": "module"`) or TypeScript. */
export type Flavour = 'cjs' | 'esm' | 'ts'

export const adapters: Record<Tool, Adapter> = {
  sql: sqlAdapter,
  knex: knexAdapter,
  typeorm: typeormAdapter,
  sequelize: sequelizeAdapter,
  prisma: prismaAdapter,
}

/**
 * A project of `tool` in `<root>/app` on `database`, whose one migration
 * creates `events` (id and a name): the table the templates that change an
 * existing table start from.
 */
export function writeTemplateProject(root: string, tool: Tool, database: TestDatabase, flavour: Flavour = 'cjs'): string {
  const dir = join(root, 'app')
  const { dialect, url } = database
  switch (tool) {
    case 'sql':
      mkdirSync(join(dir, 'migrations'), { recursive: true })
      writeFileSync(join(dir, '.env'), `DATABASE_URL=${url}\n`)
      writeFileSync(join(dir, 'migrations', '000_events.up.sql'), 'CREATE TABLE events (id integer PRIMARY KEY, name varchar(50));\n')
      writeFileSync(join(dir, 'migrations', '000_events.down.sql'), 'DROP TABLE events;\n')
      return dir
    case 'knex':
      return writeKnex(dir, dialect, url, flavour)
    case 'typeorm':
      return writeTypeormProject(dir, dialect, url, [
        {
          className: 'CreateEvents1700000000000',
          up: "await q.query('CREATE TABLE events (id integer PRIMARY KEY, name varchar(50))')",
          down: "await q.query('DROP TABLE events')",
        },
      ])
    case 'sequelize':
      return writeSequelizeProject(dir, dialect, url, {
        migrations: [
          {
            name: '20240101000000-create-events.js',
            up: "await queryInterface.createTable('events', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true }, name: Sequelize.STRING(50) })",
            down: "await queryInterface.dropTable('events')",
          },
        ],
      })
    case 'prisma':
      return writePrismaProject(dir, dialect, url, [
        forDialect(
          {
            name: '20240101000000_events',
            up: 'CREATE TABLE "events" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(50));\n',
            down: 'DROP TABLE "events";\n',
          },
          dialect,
        ),
      ])
  }
}

function writeKnex(dir: string, dialect: Dialect, url: string, flavour: Flavour): string {
  const ts = flavour === 'ts'
  writeKnexProject(dir, dialect, url, {
    ts,
    migrationsList: [
      {
        name: `20240101000000_events.${ts ? 'ts' : 'js'}`,
        up: "await knex.schema.createTable('events', (t) => { t.increments('id'); t.string('name', 50) })",
        down: "await knex.schema.dropTable('events')",
      },
    ],
  })
  if (flavour === 'esm') {
    // The same project as ES modules: `"type": "module"`, an ESM knexfile and migrations.
    const connection = dialect === 'sqlite' ? { filename: url.slice('sqlite:'.length) } : url
    const env = { client: knexClient[dialect], connection, useNullAsDefault: true }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'knex-project', private: true, type: 'module' }))
    writeFileSync(join(dir, 'knexfile.js'), `export default ${JSON.stringify({ development: env, test: env }, null, 2)}\n`)
    writeFileSync(
      join(dir, 'migrations', '20240101000000_events.js'),
      "export async function up(knex) { await knex.schema.createTable('events', (t) => { t.increments('id'); t.string('name', 50) }) }\nexport async function down(knex) { await knex.schema.dropTable('events') }\n",
    )
  }
  return dir
}

/** The migrations the tool's own CLI lists as pending, by the names it gives them. */
export async function nativePending(tool: Tool, dir: string, database: TestDatabase): Promise<string[] | undefined> {
  switch (tool) {
    case 'knex':
      return (await knexMigrateList(dir)).pending
    case 'typeorm':
      return (await migrationShow(dir)).pending
    case 'sequelize':
      return (await sequelizeStatus(dir)).down
    case 'prisma':
      // The Prisma CLI runs here through the engine shim, which speaks SQLite and PostgreSQL.
      return database.dialect === 'mysql' ? undefined : (await prismaStatus(dir, prismaUrl(database.dialect, database.url))).pending
    case 'sql':
      return undefined
  }
}
