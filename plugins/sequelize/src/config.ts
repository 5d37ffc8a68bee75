import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { DatabaseTarget, OpenContext, ProjectRef } from 'mig'

/**
 * One environment of sequelize-cli's config, as sequelize-cli resolves it:
 * the keys the plugin reads (README.md has the table), with a `url` or
 * `use_env_variable` already parsed and merged in. Everything here is
 * passed to `new Sequelize(options)`, as sequelize-cli passes it.
 */
export interface SequelizeEnv {
  dialect?: string
  url?: string
  use_env_variable?: string
  username?: string
  password?: string | null
  database?: string
  host?: string
  port?: number | string | null
  storage?: string
  migrationStorage?: 'sequelize' | 'json' | 'none'
  migrationStoragePath?: string
  migrationStorageTableName?: string
  migrationStorageTableSchema?: string
  migrationTimestamps?: boolean
  [key: string]: unknown
}

export interface ProjectConfig {
  /** The Sequelize options; SQLite `storage` and `migrationStoragePath` made absolute against the project, where sequelize-cli's cwd puts them. */
  env: SequelizeEnv
  migrationsDir: string
}

/**
 * sequelize-cli's view of the project (lib/helpers/config-helper.js,
 * lib/core/yargs.js): `.sequelizerc` (`config`, `migrations-path`, `url`),
 * the config file's environment (`ctx.env`), `url` or `use_env_variable`
 * parsed and merged over it. Call it inside `ctx.withProjectEnv()`.
 */
export async function readProjectConfig(project: ProjectRef, ctx: OpenContext): Promise<ProjectConfig> {
  const rcFile = join(project.dir, '.sequelizerc')
  // sequelize-cli runs in the project folder: .sequelizerc and config.js files resolve paths against process.cwd().
  const rc = existsSync(rcFile)
    ? ((await ctx.loadConfig(rcFile, {
        cwd: project.dir,
        load: { native: true },
        hint: `run \`node ${rcFile}\` to see the full error`,
      })) as Record<string, unknown>)
    : {}
  // yargs, which reads .sequelizerc for sequelize-cli, takes both spellings of an option.
  const option = (...keys: string[]) => keys.map((k) => rc[k]).find((v): v is string => typeof v === 'string' && v !== '')
  const rcConfig = option('config')
  const rcUrl = option('url')
  const migrationsDir = resolve(project.dir, option('migrations-path', 'migrationsPath') ?? 'migrations')

  // With a url in .sequelizerc, sequelize-cli reads no config file at all.
  const all = rcUrl ? parseDbUrl(rcUrl, `.sequelizerc "url"`, project, ctx) : await readConfigFile(project, ctx, rcConfig)
  // Like sequelize-cli, a file without the environment is itself the options, if it looks like them.
  const { config } = ctx.environment<SequelizeEnv>(all, {
    source: 'the sequelize config',
    flat: (c) => ['dialect', 'url', 'use_env_variable', 'storage', 'host', 'database'].some((key) => key in c),
  })
  let env = { ...config }
  if (env.url) {
    env = { ...env, ...parseDbUrl(env.url, `"url" of environment "${ctx.env}"`, project, ctx) }
  } else if (env.use_env_variable) {
    const url = ctx.variable(env.use_env_variable, { readBy: 'use_env_variable names' })
    env = { ...env, ...parseDbUrl(url, env.use_env_variable, project, ctx) }
  }
  // sequelize-cli hands relative paths to sqlite3 and umzug, which resolve them against its cwd, the project folder.
  if (env.dialect === 'sqlite' && typeof env.storage === 'string' && env.storage && !env.storage.startsWith(':memory'))
    env.storage = resolve(project.dir, env.storage)
  if (typeof env.migrationStoragePath === 'string') env.migrationStoragePath = resolve(project.dir, env.migrationStoragePath)
  return { env, migrationsDir }
}

/** config/config.js, else config/config.json, or .sequelizerc's `config`; a function or a promise is resolved, as sequelize-cli does. */
async function readConfigFile(project: ProjectRef, ctx: OpenContext, rcConfig: string | undefined): Promise<unknown> {
  const file = ctx.findConfig(rcConfig ? [rcConfig] : ['config/config.js', 'config/config.json', 'config/config.cjs'], undefined, {
    what: 'sequelize config',
    hint: 'run `npx sequelize-cli init:config`, or point .sequelizerc "config" at it',
  })
  return ctx.loadConfig(file, {
    cwd: project.dir,
    // sequelize-cli's convention: a function taking one parameter answers through a Node-style callback.
    call: (fn) => (fn.length === 1 ? promisify(fn as (cb: (error: unknown, value: unknown) => void) => void)() : fn()),
    hint: 'fix the config file (sequelize-cli reads it the same way)',
  })
}

/**
 * sequelize-cli's `parseDbUrl` (over `urlStringToConfigHash`): the URL's
 * parts as options, read by core's one URL parser; the scheme as the
 * dialect; SQLite's storage from the path, which sequelize-cli only reads
 * absolute (`sqlite:/abs/file.db`). `source` names where the URL came from,
 * since the URL itself may hold a password.
 */
function parseDbUrl(url: string, source: string, project: ProjectRef, ctx: OpenContext): SequelizeEnv {
  const protocol = /^([a-z][\w+.-]*):/i.exec(url)?.[1] ?? ''
  let target: DatabaseTarget | undefined
  try {
    // url.parse gives no path for `sqlite:file.db` or `postgres://host`, and sequelize-cli fails on it.
    if (/^[^:/]+:(\/\/[^/?#]*)?\//.test(url)) target = ctx.target(url, project.dir)
  } catch {
    target = undefined
  }
  if (!target)
    throw new ctx.errors.MigError(
      'SEQUELIZE_URL',
      `${project.name}: the database URL in ${source} could not be parsed`,
      'sequelize-cli reads dialect://user:password@host:port/database, or sqlite:/absolute/path.db',
    )
  const { host, port, user, password, database } = ctx.connectionParts(target)
  return {
    dialect: protocol,
    protocol,
    // Only the query string: `ssl=true` may be part of a password.
    ssl: /[?&]ssl=true(&|$)/.test(url.split('?').slice(1).join('?')),
    ...(target.file ? { storage: target.file } : { host, port, database }),
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
  }
}

/** Sequelize's dialects that mig supports. */
export const dialects = ['postgres', 'postgresql', 'mysql', 'mariadb', 'sqlite']

// The slice of sequelize the adapter uses, typed here so the plugin builds without sequelize's types.
export interface SequelizeInstance {
  getQueryInterface(): QueryInterface
  transaction<T>(fn: (t: unknown) => Promise<T>): Promise<T>
  query(sql: string, options?: { transaction?: unknown }): Promise<unknown>
  define(name: string, attributes: Record<string, unknown>, options: Record<string, unknown>): MetaModel
  createSchema(schema: string): Promise<unknown>
  close(): Promise<void>
}
export interface QueryInterface {
  describeTable(table: string, options?: { schema?: string }): Promise<Record<string, unknown>>
}
/** umzug's SequelizeMeta model. */
export interface MetaModel {
  sync(): Promise<unknown>
  create(values: { name: string }, options?: { transaction?: unknown }): Promise<unknown>
  destroy(options: { where: { name: string }; transaction?: unknown }): Promise<unknown>
}
export interface SequelizeClass {
  new (...args: unknown[]): SequelizeInstance
  STRING: unknown
  useCLS(ns: unknown): unknown
  _cls?: unknown
}
