import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import type { DatabaseTarget, OpenContext, ProjectRef } from 'mig'

/** One environment of sequelize-cli's config file: the keys the plugin reads (README.md has the table). */
export interface SequelizeEnv {
  dialect?: string
  url?: string
  use_env_variable?: string
  username?: string
  password?: string | null
  database?: string
  host?: string
  port?: number | string
  storage?: string
  migrationStorage?: 'sequelize' | 'json' | 'none'
  migrationStoragePath?: string
  migrationStorageTableName?: string
  migrationStorageTableSchema?: string
  migrationTimestamps?: boolean
  [key: string]: unknown
}

export interface ProjectConfig {
  env: SequelizeEnv
  envName: string
  configFile: string
  migrationsDir: string
  /** The connection URL (with password), when the config gives one. */
  url: string | undefined
}

const load = (file: string): unknown => {
  if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8'))
  const mod = createRequire(file)(file) as { default?: unknown; __esModule?: boolean }
  return mod && mod.__esModule && 'default' in mod ? mod.default : mod
}

/**
 * sequelize-cli's view of the project: `.sequelizerc` (config and
 * migrations-path, relative to the project), the config file's environment
 * (`ctx.env`), `use_env_variable` read from the project's environment, all
 * evaluated with the project's environment (core's one `.env` rule).
 */
export function readProjectConfig(project: ProjectRef, ctx: OpenContext): Promise<ProjectConfig> {
  return ctx.withProjectEnv(() => read(project, ctx))
}

function read(project: ProjectRef, ctx: OpenContext): ProjectConfig {
  const { MigError } = ctx.errors
  const rcFile = join(project.dir, '.sequelizerc')
  let rc: Record<string, string> = {}
  const cwd = process.cwd()
  try {
    // sequelize-cli runs in the project folder, and .sequelizerc files resolve paths against process.cwd().
    process.chdir(project.dir)
    if (existsSync(rcFile)) rc = load(rcFile) as Record<string, string>
  } catch (error) {
    throw new MigError('SEQUELIZERC', `${project.name}: .sequelizerc failed to load: ${(error as Error).message.split('\n')[0]}`, `run \`node ${rcFile}\` to see the full error`)
  } finally {
    process.chdir(cwd)
  }
  const at = (p: string | undefined, fallback: string) => (p ? (isAbsolute(p) ? p : resolve(project.dir, p)) : join(project.dir, fallback))
  const configFile = [at(rc.config, 'config/config.json'), join(project.dir, 'config/config.js'), join(project.dir, 'config/config.cjs')].find((f) => existsSync(f))
  if (!configFile) {
    throw new MigError('SEQUELIZE_CONFIG', `${project.name}: no sequelize config (${rc.config ?? 'config/config.json'})`, 'run `npx sequelize-cli init:config`, or point .sequelizerc "config" at it')
  }
  let all: Record<string, SequelizeEnv>
  try {
    all = load(configFile) as Record<string, SequelizeEnv>
  } catch (error) {
    throw new MigError('SEQUELIZE_CONFIG', `${project.name}: ${configFile} failed to load: ${(error as Error).message.split('\n')[0]}`, 'fix the config file (sequelize-cli reads it the same way)')
  }
  const envName = ctx.env
  const env = all?.[envName]
  if (!env) {
    throw new MigError('SEQUELIZE_ENV', `${project.name}: ${configFile} has no environment "${envName}"`, `pass --env with one of: ${Object.keys(all ?? {}).join(', ') || '(none)'}`)
  }
  let url = rc.url ?? env.url
  if (env.use_env_variable) {
    url = ctx.projectEnv()[env.use_env_variable]
    if (!url) {
      throw new MigError('SEQUELIZE_ENV_VAR', `${project.name}: use_env_variable names ${env.use_env_variable}, which is not set`, `export ${env.use_env_variable}=<database url> (or put it in ${join(project.dir, '.env')})`)
    }
  }
  return { env, envName, configFile, migrationsDir: at(rc['migrations-path'], 'migrations'), url }
}

const dialects: Record<string, DatabaseTarget['dialect']> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mysql', sqlite: 'sqlite' }

/** The database for core: from the URL, or from dialect, host, port, username, password, database (SQLite: storage, relative to the project). */
export function targetOf(project: ProjectRef, config: ProjectConfig, ctx: OpenContext): DatabaseTarget {
  const { MigError } = ctx.errors
  const scheme = config.url ? /^([a-z]+):/.exec(config.url)?.[1] : undefined
  const dialect = dialects[config.env.dialect ?? scheme ?? '']
  if (!dialect) {
    throw new MigError('SEQUELIZE_DIALECT', `${project.name}: dialect "${config.env.dialect ?? scheme ?? '(none)'}" is not supported by mig`, 'mig supports postgres, mysql, mariadb and sqlite')
  }
  if (dialect === 'sqlite') {
    const storage = config.url ? config.url.replace(/^sqlite:(\/\/)?/, '') : config.env.storage
    if (!storage || storage === ':memory:') throw new MigError('SEQUELIZE_STORAGE', `${project.name}: the SQLite config names no storage file`, 'set "storage" to a file path')
    return ctx.target(`sqlite:${storage}`, project.dir)
  }
  const e = config.env
  return ctx.target(config.url ?? { dialect, host: e.host, port: e.port, user: e.username, password: e.password, database: e.database }, project.dir)
}

/** The user's own sequelize, from the project. */
export function requireSequelize(project: ProjectRef, ctx: OpenContext): SequelizeClass {
  const require = createRequire(join(project.dir, 'package.json'))
  try {
    const mod = require('sequelize') as { Sequelize?: SequelizeClass } & SequelizeClass
    return mod.Sequelize ?? mod
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error
    throw new ctx.errors.MigError('SEQUELIZE_MISSING', `${project.name}: sequelize is not installed in ${project.dir}`, `run \`npm install sequelize\` in ${project.dir}`)
  }
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
