import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dialect } from 'mig'
import { linkNodeModules, nodeCli, repoRoot } from '../../../test/helpers.js'

export const knexClient: Record<Dialect, string> = { postgres: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' }

export interface KnexMigration {
  name: string
  up: string
  down: string
  transaction?: boolean
}

/** `exports.up = …` for a migration creating `table`. */
export const createTable = (name: string, table: string): KnexMigration => ({
  name,
  up: `await knex.schema.createTable('${table}', (t) => { t.increments('id'); t.string('name') })`,
  down: `await knex.schema.dropTable('${table}')`,
})

export function writeMigration(dir: string, m: KnexMigration, ts = false): void {
  mkdirSync(dir, { recursive: true })
  const body = ts
    ? `import type { Knex } from 'knex'\nexport async function up(knex: Knex): Promise<void> { ${m.up} }\nexport async function down(knex: Knex): Promise<void> { ${m.down} }\n${m.transaction === false ? 'export const config = { transaction: false }\n' : ''}`
    : `exports.up = async (knex) => { ${m.up} }\nexports.down = async (knex) => { ${m.down} }\n${m.transaction === false ? 'exports.config = { transaction: false }\n' : ''}`
  writeFileSync(join(dir, m.name), body)
}

/** A knex project: package.json, the user's node_modules, a knexfile (JS or TS) with a development environment. */
export function writeKnexProject(
  dir: string,
  dialect: Dialect,
  url: string,
  options: {
    ts?: boolean
    migrations?: Record<string, unknown>
    migrationsList?: KnexMigration[]
    /** knex's `searchPath` from KNEX_SEARCH_PATH when set: how a schema-per-tenant team runs `knex migrate` for one tenant. */
    searchPathFromEnv?: boolean
  } = {},
): string {
  linkNodeModules(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'knex-project', private: true }))
  const connection = dialect === 'sqlite' ? { filename: url ? url.slice('sqlite:'.length) : './dev.db' } : url
  const env = { client: knexClient[dialect], connection, useNullAsDefault: true, migrations: options.migrations ?? {} }
  // vitest sets NODE_ENV=test, which both knex's CLI and mig pick up.
  const config = { development: env, test: env }
  const tenant = options.searchPathFromEnv
    ? 'if (process.env.KNEX_SEARCH_PATH) for (const e of Object.values(config)) e.searchPath = [process.env.KNEX_SEARCH_PATH]\n'
    : ''
  const text = options.ts
    ? `import type { Knex } from 'knex'\nconst config: Record<string, Knex.Config> = ${JSON.stringify(config, null, 2)}\n${tenant}export default config\n`
    : `const config = ${JSON.stringify(config, null, 2)}\n${tenant}module.exports = config\n`
  writeFileSync(join(dir, options.ts ? 'knexfile.ts' : 'knexfile.js'), text)
  for (const m of options.migrationsList ?? []) writeMigration(join(dir, 'migrations'), m, options.ts)
  return dir
}

export interface KnexList {
  completed: string[]
  pending: string[]
}

/** The real knex CLI, `knex migrate:list`, parsed: the oracle. With `searchPath`, for a knexfile written with `searchPathFromEnv`. */
export async function knexMigrateList(dir: string, options: { searchPath?: string } = {}): Promise<KnexList> {
  const out = await knexCli(dir, ['migrate:list'], options.searchPath ? { KNEX_SEARCH_PATH: options.searchPath } : {})
  const section = (header: RegExp) => {
    const lines = out.split('\n')
    const start = lines.findIndex((l) => header.test(l))
    if (start < 0) return []
    const items: string[] = []
    for (const line of lines.slice(start + 1)) {
      if (!line.trim() || /^Found |^No /.test(line)) break
      items.push(line.trim())
    }
    return items
  }
  return { completed: section(/Completed Migration/), pending: section(/Pending Migration/) }
}

export const knexCli = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> =>
  nodeCli(join(repoRoot, 'node_modules/knex/bin/cli.js'), args, { cwd: dir, env })
