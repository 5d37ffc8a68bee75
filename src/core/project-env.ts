import { AsyncLocalStorage } from 'node:async_hooks'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { MigError } from '../output/errors.js'

/**
 * The one environment rule, for every tool: a project sees the variables
 * exported to mig, and its own `.env` fills in what they do not set. An
 * exported variable wins (dotenv's, Prisma's and dbmate's convention):
 * in CI and production the exported value is the deliberate one, and a
 * committed `.env` often holds development defaults. Adapters never read
 * process.env or `.env` themselves; they get this through OpenContext.
 */

const parsed = new Map<string, Record<string, string>>()

/** The project's `.env`, parsed once per run; empty when there is none. */
export function readDotenv(dir: string): Record<string, string> {
  let values = parsed.get(dir)
  if (!values) {
    const file = join(dir, '.env')
    try {
      values = existsSync(file) ? (parseEnv(readFileSync(file, 'utf8')) as Record<string, string>) : {}
    } catch (error) {
      throw new MigError('DOTENV', `${file} could not be read: ${(error as Error).message}`, 'fix or remove the file', { cause: error })
    }
    parsed.set(dir, values)
  }
  return values
}

/** process.env as it is outside withProjectEnv: while a project's `.env` is laid over it, as it was before. */
let outside: Readonly<Record<string, string | undefined>> | undefined
const exported = (): Readonly<Record<string, string | undefined>> => outside ?? process.env

/** What a project sees: its `.env`, with every exported variable over it. */
export function projectEnv(dir: string): Readonly<Record<string, string>> {
  const values: Record<string, string> = { ...readDotenv(dir) }
  for (const [key, value] of Object.entries(exported())) if (value !== undefined) values[key] = value
  return values
}

/** Variables the project's `.env` sets that an exported variable overrides with another value. */
export function envOverrides(dir: string): { variable: string; dotenv: string }[] {
  const env = exported()
  return Object.entries(readDotenv(dir))
    .filter(([key, value]) => env[key] !== undefined && env[key] !== value)
    .map(([variable, dotenv]) => ({ variable, dotenv }))
}

/**
 * The tool's environment name (knexfile environment, sequelize-cli env,
 * a plain-SQL project's url per env): `--env`, else the project's `env` in
 * mig.config, else MIG_ENV, else NODE_ENV (each exported, else from the
 * project's `.env`), else `development`.
 */
export function environmentName(dir: string, flag: string | undefined, configured: unknown): string {
  if (flag) return flag
  if (typeof configured === 'string' && configured) return configured
  const env = projectEnv(dir)
  return env.MIG_ENV || env.NODE_ENV || 'development'
}

const inside = new AsyncLocalStorage<string>()
/** withProjectEnv calls whose function has not settled yet. */
let running = 0
let queue: Promise<unknown> = Promise.resolve()

/** Per project folder: since when it has been waiting for its turn, and how long it waited before. */
const turns = new Map<string, { since: number | undefined; waited: number }>()

/** How long `dir` has spent waiting for its turn (other projects' configs being evaluated): time its own timeout should not count. */
export function queuedMs(dir: string): number {
  const t = turns.get(dir)
  return t ? t.waited + (t.since === undefined ? 0 : Date.now() - t.since) : 0
}

/**
 * Run `fn` (typically: evaluate a tool's config file) with process.env as
 * `projectEnv(dir)` sees it, then put process.env back exactly as it was,
 * whatever `fn` added or changed (a knexfile calling dotenv's `config()`
 * included). Calls are serialised, so projects opened side by side never see
 * each other's values. A call still running after `limitMs` (a config that
 * never settles) gives up its turn: process.env is put back and the next
 * project goes, so one hung config cannot hold every other project.
 */
export function withProjectEnv<T>(dir: string, fn: () => T | Promise<T>, limitMs?: number): Promise<T> {
  const current = inside.getStore()
  if (current === dir) return Promise.resolve().then(fn)
  if (current !== undefined) return Promise.reject(new Error(`withProjectEnv(${dir}) inside withProjectEnv(${current})`))
  let release = (): void => undefined
  const turn = turns.get(dir) ?? { since: undefined, waited: 0 }
  turns.set(dir, turn)
  turn.since = Date.now()
  const run = () => {
    running++
    return inside
      .run(dir, async () => {
        turn.waited += Date.now() - (turn.since ?? Date.now())
        turn.since = undefined
        const saved = { ...process.env }
        outside = saved
        for (const [key, value] of Object.entries(readDotenv(dir))) if (process.env[key] === undefined) process.env[key] = value
        let released = false
        release = () => {
          if (released) return
          released = true
          restore(saved)
          outside = undefined
        }
        try {
          return await fn()
        } finally {
          release()
        }
      })
      .finally(() => {
        // While an AsyncLocalStorage is enabled, Node 20 runs a hook on every promise the
        // process makes (a knex run makes millions): off again once no config is being read.
        if (--running === 0) inside.disable()
      })
  }
  const result = queue.then(run, run)
  const settled = result.then(
    () => undefined,
    () => undefined,
  )
  queue = limitMs === undefined ? settled : Promise.race([settled, queue.then(() => giveUpAfter(limitMs)).then(() => release())])
  return result
}

/** Resolves after `ms`, without keeping the process alive for it. */
const giveUpAfter = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref())

function restore(saved: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key)
  for (const [key, value] of Object.entries(saved)) if (value !== undefined && process.env[key] !== value) process.env[key] = value
}
