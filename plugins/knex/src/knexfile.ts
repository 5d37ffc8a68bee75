import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Knex } from 'knex'
import type { DatabaseTarget, OpenContext, ProjectRef } from 'mig'

/** The knexfile options the plugin reads (README.md has the table). */
export interface KnexConfig {
  client?: string | unknown
  connection?: unknown
  useNullAsDefault?: boolean
  migrations?: {
    directory?: string | string[]
    tableName?: string
    schemaName?: string
    loadExtensions?: string[]
    disableTransactions?: boolean
    sortDirsSeparately?: boolean
    extension?: string
    stub?: string
  }
  [key: string]: unknown
}

export interface LoadedKnexfile {
  file: string
  config: KnexConfig
  environment: string | undefined
}

/**
 * Load the knexfile in-process as the knex CLI does (default export, a
 * function is called, `config[env] || config`); TS and ESM knexfiles work
 * without the user registering anything.
 */
export async function loadKnexfile(project: ProjectRef, ctx: OpenContext): Promise<LoadedKnexfile> {
  const file = ctx.findConfig(['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts'], project.options.knexfile)
  if (!file || !existsSync(file)) {
    throw new ctx.errors.MigError(
      'KNEXFILE_MISSING',
      `${project.name}: no knexfile in ${project.dir}`,
      'add knexfile.js/.ts there, or set projects[].options.knexfile in mig.config.json',
    )
  }
  const all = await ctx.loadConfig(file, {
    code: 'KNEXFILE_LOAD',
    hint: `run \`npx knex migrate:list\` in ${project.dir} to see the full error`,
    // As the knex CLI loads it: Node's require for a CommonJS knexfile, jiti for TypeScript and ESM.
    load: { native: true },
    call: true,
  })
  const { config, environment } = ctx.environment<KnexConfig>(all, ctx.env, {
    source: 'the knexfile',
    code: 'KNEX_ENV',
    flat: (c) => !!c.client,
    otherwise: 'export a knex config (with client and connection) from the knexfile',
  })
  return { file, config, environment }
}

// knex's own types only: erased from the build, so knex is loaded from the project alone.
export type KnexInstance = Knex

/** The knexfile's connection object: server parts, a connection string, or SQLite's filename. */
interface Connection {
  connectionString?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
  filename?: string
}

/** Where knex connects, and for a schema target the search path it sets on each connection (knex's own `searchPath`). */
export interface KnexTarget {
  target: DatabaseTarget
  connection: unknown
  searchPath?: string
}

/**
 * The database for core's lock and journal, from the knexfile's client and
 * connection, and the connection knex gets: pointed at what
 * `ctx.database()` returns (plan and verify's scratch database, a fleet's
 * target), the knexfile's other options kept. SQLite filenames resolve
 * against the knexfile's folder, as the knex CLI (which changes into that
 * folder) resolves them. A schema target (PostgreSQL schema-per-tenant)
 * becomes knex's `searchPath`, which puts knex_migrations, its lock and the
 * migrations' unqualified tables in that schema, as `knex migrate` with the
 * same searchPath would.
 */
export async function targetOf(loaded: LoadedKnexfile, ctx: OpenContext, project: ProjectRef): Promise<KnexTarget> {
  let connection = loaded.config.connection
  if (typeof connection === 'function') connection = await (connection as () => unknown)()
  const text = typeof connection === 'string' ? connection : undefined
  const c = (text === undefined ? (connection ?? {}) : {}) as Connection
  const configured = ctx.toolTarget({
    option: 'client',
    driver: loaded.config.client,
    accepts: ['pg', 'postgres', 'postgresql', 'pgnative', 'mysql', 'mysql2', 'sqlite3', 'sqlite', 'better-sqlite3'],
    // A string is SQLite's filename, or a server's URL.
    url: text ?? c.connectionString,
    file: text ?? c.filename,
    fileOption: 'connection.filename',
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    baseDir: dirname(loaded.file),
  })
  const target = ctx.database(configured)
  // knex itself resolves the file against the working directory: give it the absolute path.
  if (target.file) return { target, connection: { ...c, filename: target.file } }
  const schema = target.schema
  if (schema !== undefined && loaded.config.migrations?.schemaName) {
    throw new ctx.errors.MigError(
      'SCHEMA_UNSUPPORTED',
      `${project.name}: the knexfile keeps knex_migrations in schema "${loaded.config.migrations.schemaName}" (migrations.schemaName), so every tenant schema would share one ledger`,
      `drop migrations.schemaName: on schema "${schema}" mig keeps knex's tables in the tenant's schema`,
    )
  }
  // The database itself, without the schema: the URL or parts knex connects with name only that.
  const database = schema === undefined ? target : { ...target, schema: undefined, key: target.key.replace(/\?schema=.*$/, '') }
  const searchPath = schema === undefined ? {} : { searchPath: schema }
  if (database.key === configured.key) return { target, connection, ...searchPath }
  if (text !== undefined) return { target, connection: ctx.redirectUrl(text, database), ...searchPath }
  if (c.connectionString)
    return { target, connection: { ...c, connectionString: ctx.redirectUrl(c.connectionString, database) }, ...searchPath }
  return { target, connection: { ...c, ...ctx.connectionParts(database) }, ...searchPath }
}
