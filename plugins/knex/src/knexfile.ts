import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Knex } from 'knex'
import type { DatabaseTarget, OpenContext, ProjectRef } from 'mig'
const knexfileNames = ['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts'] as const

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

export function findKnexfile(project: ProjectRef): string | undefined {
  const configured = project.options.knexfile
  if (typeof configured === 'string') return resolve(project.dir, configured)
  return knexfileNames.map((n) => join(project.dir, n)).find((f) => existsSync(f))
}

/**
 * Load the knexfile in-process as the knex CLI does (default export, a
 * function is called, `config[env] || config`); TS and ESM knexfiles work
 * without the user registering anything.
 */
export async function loadKnexfile(project: ProjectRef, ctx: OpenContext): Promise<LoadedKnexfile> {
  const { MigError } = ctx.errors
  const file = findKnexfile(project)
  if (!file || !existsSync(file)) {
    throw new MigError(
      'KNEXFILE_MISSING',
      `${project.name}: no knexfile in ${project.dir}`,
      'add knexfile.js/.ts there, or set projects[].options.knexfile in mig.config.json',
    )
  }
  let loaded: unknown
  try {
    // As the knex CLI loads it: Node's require for a CommonJS knexfile, jiti for TypeScript and ESM.
    loaded = await ctx.loader({ native: true })(file)
    if (typeof loaded === 'function') loaded = await (loaded as () => unknown)()
  } catch (error) {
    throw new MigError(
      'KNEXFILE_LOAD',
      `${project.name}: ${file} failed to load: ${String((error as Error).message ?? error).split('\n')[0]}`,
      `run \`npx knex migrate:list\` in ${project.dir} to see the full error`,
      { cause: error },
    )
  }
  const all = (loaded ?? {}) as Record<string, KnexConfig>
  const environment = ctx.env
  const picked = all[environment]
  const config = (picked ?? all) as KnexConfig
  if (!config.client && !picked) {
    const envs = Object.keys(all).filter((k) => all[k] && typeof all[k] === 'object')
    throw new MigError(
      'KNEX_ENV',
      `${project.name}: the knexfile has no environment "${environment}"`,
      envs.length ? `pass --env with one of: ${envs.join(', ')}` : 'export a knex config (with client and connection) from the knexfile',
    )
  }
  return { file, config, environment: picked ? environment : undefined }
}

// knex's own types only: erased from the build, so knex is loaded from the project alone.
export type KnexInstance = Knex

const dialects: Record<string, DatabaseTarget['dialect']> = {
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  pgnative: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  sqlite3: 'sqlite',
  sqlite: 'sqlite',
  'better-sqlite3': 'sqlite',
}

/**
 * The database for core's lock and journal, from the knexfile's client and
 * connection. SQLite filenames resolve against the knexfile's folder, as the
 * knex CLI (which changes into that folder) resolves them.
 */
export async function targetOf(
  project: ProjectRef,
  loaded: LoadedKnexfile,
  ctx: OpenContext,
): Promise<{ target: DatabaseTarget; connection: unknown }> {
  const { MigError } = ctx.errors
  const client = typeof loaded.config.client === 'string' ? loaded.config.client : undefined
  const dialect = client ? dialects[client] : undefined
  if (!dialect) {
    throw new MigError(
      'KNEX_CLIENT',
      `${project.name}: knex client "${String(client ?? loaded.config.client)}" is not supported by mig`,
      'mig supports pg, mysql, mysql2, sqlite3 and better-sqlite3',
    )
  }
  let connection = loaded.config.connection
  if (typeof connection === 'function') connection = await (connection as () => unknown)()
  const base = dirname(loaded.file)
  if (dialect === 'sqlite') {
    const filename = typeof connection === 'string' ? connection : (connection as { filename?: string } | undefined)?.filename
    if (!filename || filename === ':memory:') {
      throw new MigError(
        'KNEX_SQLITE_FILE',
        `${project.name}: the knexfile's SQLite connection names no file`,
        'set connection.filename to a file path',
      )
    }
    const target = ctx.database(ctx.target(`sqlite:${filename}`, base))
    // knex itself resolves the file against the working directory: give it the absolute path.
    return {
      target,
      connection: typeof connection === 'string' ? { filename: target.file } : { ...(connection as object), filename: target.file },
    }
  }
  const c = (connection ?? {}) as {
    connectionString?: string
    host?: string
    port?: number
    user?: string
    password?: string
    database?: string
  }
  const source =
    typeof connection === 'string'
      ? connection
      : (c.connectionString ?? { dialect, host: c.host, port: c.port, user: c.user, password: c.password, database: c.database })
  const configured = ctx.target(source, base)
  const target = ctx.database(configured)
  return { target, connection: target.key === configured.key ? connection : redirected(connection, target) }
}

/** The knexfile's connection pointed at `target` (plan and verify's scratch database), its other options kept. */
function redirected(connection: unknown, target: DatabaseTarget): unknown {
  if (typeof connection === 'string') return target.url
  const c = connection as { connectionString?: string }
  if (c.connectionString) return { ...c, connectionString: target.url }
  // The server too: scratch.url may name another server than the knexfile's.
  const url = new URL(target.url)
  const server = {
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  }
  return { ...c, ...server, database: target.database }
}
