import { type SpawnOptions, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, onTestFinished } from 'vitest'
import type { Db, Dialect } from '../src/db/types.js'
import { type TestDatabase, createTestDatabase } from '../src/testing/databases.js'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const bin = join(repoRoot, 'bin', 'run.js')

export interface Result {
  code: number
  stdout: string
  stderr: string
}

/** Run the built CLI as a user would: a subprocess, its output and exit code. */
export function mig(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Promise<Result> {
  return spawnResult(process.execPath, [...(options.nodeArgs ?? []), bin, ...args], migSpawnOptions(options))
}

/** Run a command to its end: its output and exit code. */
export function spawnResult(command: string, args: string[], options: SpawnOptions): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, options)
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }))
  })
}

export function migSpawnOptions(options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnOptions {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }
  delete env.DATABASE_URL
  // A developer's exported colour choice must not colour what the tests compare.
  delete env.FORCE_COLOR
  delete env.NO_COLOR
  Object.assign(env, options.env)
  return { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }
}

/**
 * `mig up` in `root`, sent SIGINT once `db` (PostgreSQL) shows `statement`
 * running: its exit code, its output, and the milliseconds from the signal
 * to its exit (a statement cancelled at once, or one run to its end).
 */
export async function interruptWhileRunning(
  root: string,
  env: NodeJS.ProcessEnv,
  db: Db,
  statement: string,
): Promise<Result & { ms: number }> {
  const started = Date.now()
  const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root, env }))
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<number>((resolvePromise) => child.on('close', (code) => resolvePromise(code ?? -1)))
  const running = `SELECT 1 FROM pg_stat_activity WHERE query = ${`'${statement.replace(/'/g, "''")}'`} AND datname = current_database()`
  while (!(await db.query(running)).length) {
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL')
      throw new Error(`\`${statement}\` never ran: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  const signalled = Date.now()
  child.kill('SIGINT')
  const code = await exited
  return { code, stdout, stderr, ms: Date.now() - signalled }
}

export const tempDir = (prefix = 'mig-test-'): string => mkdtempSync(join(tmpdir(), prefix))

export interface SqlMigration {
  id: string
  up: string
  down?: string
}

/** A plain-SQL project: `<root>/<name>/migrations/*.sql` and a `.env` with its URL. */
export function writeSqlProject(root: string, name: string, url: string, migrations: SqlMigration[]): string {
  const dir = join(root, name)
  mkdirSync(join(dir, 'migrations'), { recursive: true })
  writeFileSync(join(dir, '.env'), `DATABASE_URL=${url}\n`)
  for (const m of migrations) {
    writeFileSync(join(dir, 'migrations', `${m.id}.up.sql`), m.up)
    if (m.down !== undefined) writeFileSync(join(dir, 'migrations', `${m.id}.down.sql`), m.down)
  }
  return dir
}

/** `n` migrations creating tables t1..tn, each with a down. */
export const tableMigrations = (n: number, prefix = ''): SqlMigration[] =>
  Array.from({ length: n }, (_, i) => {
    const v = String(i + 1).padStart(3, '0')
    return {
      id: `${v}_${prefix}t${i + 1}`,
      up: `CREATE TABLE ${prefix}t${i + 1} (id INTEGER PRIMARY KEY);\n`,
      down: `DROP TABLE ${prefix}t${i + 1};\n`,
    }
  })

export const json = <T = Record<string, unknown>>(r: Result): T => JSON.parse(r.stdout) as T

/** No stack trace: no "    at fn (file:line)" frames anywhere. */
export const hasStack = (text: string): boolean => /^\s+at .+[:(]/m.test(text)

/** The XDG variables that give mig (oclif) its own data, cache and config dirs under `home`. */
export const oclifEnv = (home: string): NodeJS.ProcessEnv => ({
  XDG_DATA_HOME: join(home, 'data'),
  XDG_CACHE_HOME: join(home, 'cache'),
  XDG_CONFIG_HOME: join(home, 'config'),
})

/** One plain-SQL project `app` with one pending migration, on SQLite: the smallest repository status can answer for. */
export function writeOneSqlApp(root: string): void {
  mkdirSync(join(root, 'app', 'migrations'), { recursive: true })
  writeFileSync(join(root, 'app', 'migrations', '001_a.up.sql'), 'CREATE TABLE a (x int);\n')
  writeFileSync(join(root, 'app', '.env'), 'DATABASE_URL=sqlite:./a.db\n')
}

const linked = new Map<string, Promise<NodeJS.ProcessEnv>>()

/**
 * A fresh oclif data dir (XDG_*) with the given workspace plugins linked, as
 * `mig plugins link plugins/<name>` would: the env to pass to `mig()`. Once
 * per test file and plugin set.
 */
export function withPlugins(...names: string[]): Promise<NodeJS.ProcessEnv> {
  const key = names.sort().join(',')
  let env = linked.get(key)
  if (!env) {
    env = (async () => {
      const home = tempDir('mig-oclif-')
      const vars = oclifEnv(home)
      for (const name of names) {
        const r = await mig(['plugins', 'link', join(repoRoot, 'plugins', name)], { cwd: home, env: vars })
        if (r.code !== 0) throw new Error(`linking ${name} failed: ${r.stderr}`)
      }
      return vars
    })()
    linked.set(key, env)
  }
  return env
}

/** Make the repository's node_modules (knex, typeorm, drivers, …) resolvable from a test project, as the user's own install would be. */
export function linkNodeModules(dir: string): void {
  mkdirSync(dir, { recursive: true })
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'))
}

/** Run a Node CLI script (a tool's own CLI, the oracle) in `cwd`: its exit code and its output, colours stripped. */
export function runNodeCli(
  script: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; out: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NODE_OPTIONS: '', ...options.env },
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code: code ?? -1, out: stripVTControlCharacters(out) }))
  })
}

/** As runNodeCli, rejecting on a non-zero exit. */
export async function nodeCli(script: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const { code, out } = await runNodeCli(script, args, options)
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${code}: ${out}`)
  return out
}

export interface PluginProject {
  database: TestDatabase
  /** A connection to check the database directly. */
  db: Db
  /** The repository root mig runs in. */
  root: string
  /** The project folder. */
  dir: string
  /** mig in the repository, with the plugin linked. */
  run(...args: string[]): Promise<Result>
}

/**
 * One project of a plugin's tool on a fresh database of `dialect`, made
 * before the suite's tests and dropped after them: the fixture every
 * plugin's native-CLI agreement suite starts from.
 */
export function pluginProject(plugin: string, dialect: Dialect, write: (root: string, database: TestDatabase) => string): PluginProject {
  const project = {} as PluginProject
  let env: NodeJS.ProcessEnv = {}
  beforeAll(async () => {
    env = await withPlugins(plugin)
    project.database = await createTestDatabase(dialect)
    project.db = await project.database.db()
    project.root = tempDir()
    project.dir = write(project.root, project.database)
  })
  afterAll(async () => {
    await project.database?.drop()
    if (project.root) rmSync(project.root, { recursive: true, force: true })
  })
  project.run = (...args: string[]) => mig(args, { cwd: project.root, env })
  return project
}

/**
 * pluginProject() for one test: the plugin linked, a fresh database of
 * `dialect` and a folder, `write` making the project in it; the database is
 * dropped and the folder removed when the test ends, passed or not.
 */
export async function freshPluginProject(
  plugin: string,
  dialect: Dialect,
  write: (root: string, database: TestDatabase) => string,
): Promise<{ env: NodeJS.ProcessEnv; root: string; dir: string; db: Db }> {
  const env = await withPlugins(plugin)
  const database = await createTestDatabase(dialect)
  const root = tempDir()
  onTestFinished(async () => {
    await database.drop()
    rmSync(root, { recursive: true, force: true })
  })
  return { env, root, dir: write(root, database), db: await database.db() }
}
