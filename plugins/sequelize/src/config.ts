import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, relative, resolve } from 'node:path'
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
  envName: string
  migrationsDir: string
}

const load = (file: string): unknown => {
  if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8'))
  const require = createRequire(file)
  // A config.js that reads process.env at load time must see this project's environment, not a cached earlier one.
  Reflect.deleteProperty(require.cache, file)
  const mod = require(file) as { default?: unknown; __esModule?: boolean; [Symbol.toStringTag]?: string }
  return mod && (mod.__esModule || mod[Symbol.toStringTag] === 'Module') && 'default' in mod ? mod.default : mod
}

/** Run `fn` in the project folder: sequelize-cli runs there, and .sequelizerc and config.js files resolve paths against process.cwd(). */
function inProject<T>(dir: string, fn: () => T): T {
  const cwd = process.cwd()
  process.chdir(dir)
  try {
    return fn()
  } finally {
    process.chdir(cwd)
  }
}

/**
 * sequelize-cli's view of the project (lib/helpers/config-helper.js,
 * lib/core/yargs.js): `.sequelizerc` (`config`, `migrations-path`, `url`),
 * the config file's environment (`ctx.env`), `url` or `use_env_variable`
 * parsed and merged over it, all evaluated with the project's environment
 * (core's one `.env` rule).
 */
export function readProjectConfig(project: ProjectRef, ctx: OpenContext): Promise<ProjectConfig> {
  return ctx.withProjectEnv(() => read(project, ctx))
}

async function read(project: ProjectRef, ctx: OpenContext): Promise<ProjectConfig> {
  const { MigError } = ctx.errors
  const rcFile = join(project.dir, '.sequelizerc')
  let rc: Record<string, unknown> = {}
  try {
    if (existsSync(rcFile)) rc = inProject(project.dir, () => JSON.parse(JSON.stringify(load(rcFile))) as Record<string, unknown>)
  } catch (error) {
    throw new MigError(
      'SEQUELIZERC',
      `${project.name}: .sequelizerc failed to load: ${(error as Error).message.split('\n')[0]}`,
      `run \`node ${rcFile}\` to see the full error`,
    )
  }
  // yargs, which reads .sequelizerc for sequelize-cli, takes both spellings of an option.
  const option = (...keys: string[]) => keys.map((k) => rc[k]).find((v): v is string => typeof v === 'string' && v !== '')
  const rcConfig = option('config')
  const rcUrl = option('url')
  const migrationsDir = resolve(project.dir, option('migrations-path', 'migrationsPath') ?? 'migrations')

  // With a url in .sequelizerc, sequelize-cli reads no config file at all.
  let all: unknown = rcUrl ? parseDbUrl(rcUrl, `.sequelizerc "url"`, project, ctx) : await readConfigFile(project, ctx, rcConfig)
  const envName = ctx.env
  const named = (all as Record<string, unknown>)[envName]
  // Like sequelize-cli, a file without the environment is itself the options, if it looks like them.
  const flat = ['dialect', 'url', 'use_env_variable', 'storage', 'host', 'database'].some((k) => k in (all as object))
  if (named && typeof named === 'object') all = named
  else if (!flat) {
    throw new MigError(
      'SEQUELIZE_ENV',
      `${project.name}: the sequelize config has no environment "${envName}"`,
      `pass --env with one of: ${Object.keys(all as object).join(', ') || '(none)'}`,
    )
  }
  let env = { ...(all as SequelizeEnv) }
  if (env.url) {
    env = { ...env, ...parseDbUrl(env.url, `"url" of environment "${envName}"`, project, ctx) }
  } else if (env.use_env_variable) {
    const url = ctx.projectEnv()[env.use_env_variable]
    if (!url) {
      throw new MigError(
        'SEQUELIZE_ENV_VAR',
        `${project.name}: use_env_variable names ${env.use_env_variable}, which is not set`,
        `export ${env.use_env_variable}=<database url> (or put it in ${join(project.dir, '.env')})`,
      )
    }
    env = { ...env, ...parseDbUrl(url, env.use_env_variable, project, ctx) }
  }
  // sequelize-cli hands relative paths to sqlite3 and umzug, which resolve them against its cwd, the project folder.
  if (env.dialect === 'sqlite' && typeof env.storage === 'string' && env.storage && !env.storage.startsWith(':memory'))
    env.storage = resolve(project.dir, env.storage)
  if (typeof env.migrationStoragePath === 'string') env.migrationStoragePath = resolve(project.dir, env.migrationStoragePath)
  return { env, envName, migrationsDir }
}

/** config/config.js, else config/config.json, or .sequelizerc's `config`; a function or a promise is resolved, as sequelize-cli does. */
async function readConfigFile(project: ProjectRef, ctx: OpenContext, rcConfig: string | undefined): Promise<object> {
  const { MigError } = ctx.errors
  const candidates = rcConfig
    ? [resolve(project.dir, rcConfig)]
    : ['config.js', 'config.json', 'config.cjs'].map((f) => join(project.dir, 'config', f))
  const file = candidates.find((f) => existsSync(f))
  if (!file) {
    throw new MigError(
      'SEQUELIZE_CONFIG',
      `${project.name}: no sequelize config (${rcConfig ?? 'config/config.json'})`,
      'run `npx sequelize-cli init:config`, or point .sequelizerc "config" at it',
    )
  }
  const failed = (error: unknown) =>
    new MigError(
      'SEQUELIZE_CONFIG',
      `${project.name}: ${file} failed to load: ${(error as Error).message.split('\n')[0]}`,
      'fix the config file (sequelize-cli reads it the same way)',
      { cause: error },
    )
  let config: unknown
  try {
    config = await inProject(project.dir, () => {
      const loaded = load(file)
      if (typeof loaded !== 'function') return loaded
      return loaded.length === 1
        ? promisify(loaded as (cb: (error: unknown, value: unknown) => void) => void)()
        : (loaded as () => unknown)()
    })
  } catch (error) {
    throw failed(error)
  }
  if (!config || typeof config !== 'object') throw failed(new Error('the config must be an object, or a function or promise giving one'))
  return config
}

/**
 * sequelize-cli's `parseDbUrl` (over `urlStringToConfigHash`): the URL's
 * parts as options, the scheme as the dialect, SQLite's storage from the
 * path (always absolute: `sqlite:/abs/file.db`). WHATWG URL stands in for
 * the deprecated url.parse, giving the same parts; `source` names where the
 * URL came from, since the URL itself may hold a password.
 */
function parseDbUrl(url: string, source: string, project: ProjectRef, ctx: OpenContext): SequelizeEnv {
  const fail = () =>
    new ctx.errors.MigError(
      'SEQUELIZE_URL',
      `${project.name}: the database URL in ${source} could not be parsed`,
      'sequelize-cli reads dialect://user:password@host:port/database, or sqlite:/absolute/path.db',
    )
  let parts: URL
  try {
    parts = new URL(url)
  } catch {
    throw fail()
  }
  const protocol = parts.protocol.replace(/:$/, '')
  // url.parse gives no path for `sqlite:file.db` or `postgres://host`, and sequelize-cli fails on it.
  if (!parts.pathname.startsWith('/') && !(protocol === 'sqlite' && parts.pathname.startsWith(':memory'))) throw fail()
  const database = parts.pathname.replace(/^\//, '')
  const hash: SequelizeEnv = {
    database,
    host: parts.hostname,
    port: parts.port || null,
    protocol,
    ssl: parts.search.includes('ssl=true'),
    dialect: protocol,
  }
  const auth = /^[a-z][\w+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1]
  if (auth !== undefined) {
    let decoded: string
    try {
      decoded = decodeURIComponent(auth)
    } catch {
      throw fail()
    }
    const [username, ...password] = decoded.split(':')
    hash.username = username
    if (password.length > 0) hash.password = password.join(':')
  }
  if (protocol === 'sqlite' && !database.startsWith(':memory')) hash.storage = `/${database}`
  return hash
}

const dialects: Record<string, DatabaseTarget['dialect']> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
}

/** The database for core, from the options sequelize-cli would give Sequelize. */
export function targetOf(project: ProjectRef, config: ProjectConfig, ctx: OpenContext): DatabaseTarget {
  const { MigError } = ctx.errors
  const e = config.env
  const dialect = dialects[e.dialect ?? '']
  if (!dialect) {
    throw new MigError(
      'SEQUELIZE_DIALECT',
      `${project.name}: dialect "${e.dialect ?? '(none)'}" is not supported by mig`,
      'mig supports postgres, mysql, mariadb and sqlite',
    )
  }
  if (dialect === 'sqlite') {
    if (!e.storage || e.storage.startsWith(':memory'))
      throw new MigError('SEQUELIZE_STORAGE', `${project.name}: the SQLite config names no storage file`, 'set "storage" to a file path')
    // Shown relative to the project when it is inside it, as the other tools' SQLite files are.
    const inside = relative(project.dir, e.storage)
    return ctx.target(`sqlite:${inside && !inside.startsWith('..') && !isAbsolute(inside) ? `./${inside}` : e.storage}`, project.dir)
  }
  return ctx.target(
    { dialect, host: e.host || undefined, port: e.port ?? undefined, user: e.username, password: e.password, database: e.database },
    project.dir,
  )
}

// The slice of sequelize the adapter uses, typed here so the plugin builds without sequelize's types.
export interface SequelizeInstance {
  getQueryInterface(): unknown
  transaction<T>(fn: (t: unknown) => Promise<T>): Promise<T>
  close(): Promise<void>
}
export interface SequelizeClass {
  new (...args: unknown[]): SequelizeInstance
  useCLS(ns: unknown): unknown
  _cls?: unknown
}
