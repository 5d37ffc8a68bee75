import { createHash, randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { SCRATCH_PREFIX, scratchDriver } from '../db/scratch.js'
import type { DatabaseTarget } from '../db/types.js'
import { parseDatabaseUrl } from '../db/url.js'
import { MigError, errorMessage } from '../output/errors.js'
import { signalExit } from './interrupt.js'
import { processAlive as alive } from '../db/process-alive.js'

export interface ScratchOptions {
  /**
   * `scratch.url` of the config: a server (any database on it, with
   * credentials) where mig may create and drop its scratch databases, for
   * when the target's user may not create databases.
   */
  scratchUrl?: string
  /** Resolves a relative SQLite path in scratchUrl. */
  baseDir?: string
}

/** A scratch database older than this is stale whoever made it: no run of plan or verify lasts a day. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000
/** How long a signal waits for the drop before the process exits anyway (the next run's cleanup then drops it). */
const DROP_ON_SIGNAL_MS = 10_000

const hostHash = (): string => createHash('sha256').update(hostname()).digest('hex').slice(0, 6)

/**
 * `mig_scratch_<pid>_<host>_<created>_<random>`: who made it and when, so a
 * later run can tell a database whose maker is gone (killed with SIGKILL)
 * from one a live run on this or another machine is using. Under 63 bytes.
 */
export const scratchName = (): string =>
  `${SCRATCH_PREFIX}${process.pid}_${hostHash()}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`

/** The maker and birth of a scratch name; undefined for a name mig did not make. */
export function parseScratchName(name: string): { pid: number; host: string; created: number } | undefined {
  const m = /^mig_scratch_(\d+)_([0-9a-f]{6})_([0-9a-z]+)_[0-9a-f]+$/.exec(name)
  return m ? { pid: Number(m[1]), host: m[2]!, created: parseInt(m[3]!, 36) } : undefined
}

/** Made on this host by a process that no longer runs, or older than a day. A name mig did not make is never stale. */
export function isStale(name: string, now = Date.now()): boolean {
  const parsed = parseScratchName(name)
  if (!parsed) return false
  if (now - parsed.created > STALE_AFTER_MS) return true
  return parsed.host === hostHash() && parsed.pid !== process.pid && !alive(parsed.pid)
}

const serverOf = (target: DatabaseTarget, options: ScratchOptions): DatabaseTarget => {
  if (!options.scratchUrl || target.dialect === 'sqlite') return target
  const server = parseDatabaseUrl(options.scratchUrl, options.baseDir ?? process.cwd())
  if (server.dialect !== target.dialect) {
    throw new MigError(
      'SCRATCH_DIALECT',
      `scratch.url is a ${server.dialect} server, but ${target.display} is ${target.dialect}`,
      `point scratch.url at a ${target.dialect} server`,
    )
  }
  return server
}

/** Drop the scratch databases that crashed runs left on the target's (or scratch.url's) server; the names dropped. */
export async function cleanupStaleScratch(target: DatabaseTarget, options: ScratchOptions = {}): Promise<string[]> {
  const server = serverOf(target, options)
  const driver = await scratchDriver(server.dialect)
  const dropped: string[] = []
  for (const name of await driver.list(server)) {
    if (!isStale(name)) continue
    // One this user may not drop (another user's) is left to its owner's next run; the rest are still dropped.
    if (
      await driver.drop(server, name).then(
        () => true,
        () => false,
      )
    )
      dropped.push(name)
  }
  return dropped
}

const deniedError = (server: DatabaseTarget, error: unknown): MigError =>
  new MigError(
    'SCRATCH_DENIED',
    `mig may not create a scratch database on ${server.display}: ${errorMessage(error).split('\n')[0]}`,
    'set scratch.url in mig.config to a server where this user may create databases (mig creates and drops mig_scratch_* databases there), or grant it CREATEDB (PostgreSQL) / CREATE (MariaDB)',
    { cause: error },
  )

/**
 * The scratch databases of this process still to drop, each as its drop
 * (sync part for the `exit` event). One pair of signal handlers serves them
 * all, so runs side by side (a plan over several projects) are all dropped
 * before the process exits.
 */
const live = new Map<string, { drop: () => Promise<void>; dropSync: () => void }>()
let signalled: NodeJS.Signals | undefined

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) process.exit(signalExit(signal))
  signalled = signal
  setTimeout(() => process.exit(signalExit(signal)), DROP_ON_SIGNAL_MS).unref()
  void Promise.allSettled([...live.values()].map((s) => s.drop())).then(() => process.exit(signalExit(signal)))
}
const onExit = (): void => {
  for (const s of live.values()) s.dropSync()
}

function register(name: string, entry: { drop: () => Promise<void>; dropSync: () => void }): void {
  if (!live.size) {
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    process.on('exit', onExit)
  }
  live.set(name, entry)
}

function unregister(name: string): void {
  live.delete(name)
  if (live.size || signalled) return
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  process.off('exit', onExit)
}

/**
 * Run `fn` on a new, empty scratch database on the target's server (or
 * scratch.url's; SQLite: a temp file) and drop it afterwards: on success, on
 * failure, and on SIGINT/SIGTERM, after which the process exits 130/143
 * (a second signal exits at once). Stale scratch databases of crashed runs
 * are dropped first.
 */
export async function withScratch<T>(
  target: DatabaseTarget,
  fn: (scratch: DatabaseTarget) => Promise<T>,
  options: ScratchOptions = {},
): Promise<T> {
  const server = serverOf(target, options)
  const driver = await scratchDriver(server.dialect)
  // Best effort: a server that will not list its databases to this user still gets its scratch.
  await cleanupStaleScratch(target, options).catch(() => {})
  const name = scratchName()
  let created: Promise<boolean> = Promise.resolve(false)
  let dropping: Promise<void> | undefined
  // Only a database this run created is dropped (once), after its creation settled: a signal may come mid-CREATE.
  const drop = (): Promise<void> => (dropping ??= created.then((yes) => (yes ? driver.drop(server, name) : undefined)))
  register(name, { drop, dropSync: () => driver.dropSync?.(server, name) })
  let failed = false
  try {
    const made = driver.create(server, name)
    created = made.then(
      () => true,
      () => false,
    )
    let scratch: DatabaseTarget
    try {
      scratch = await made
    } catch (error) {
      throw driver.denied(error) ? deniedError(server, error) : error
    }
    return await fn(scratch)
  } catch (error) {
    failed = true
    throw error
  } finally {
    try {
      // fn's own error is the one to report; the database a failed drop leaves, the next run's cleanup drops.
      await (failed ? drop().catch(() => {}) : drop())
    } finally {
      // Once a signal came, the process ends in onSignal with the signal's code: nothing after this may run first.
      if (signalled) await new Promise(() => {})
      unregister(name)
    }
  }
}

/** Copy `source`'s schema and the rows of its ledger tables into `scratch` (made by withScratch). Only reads `source`. */
export async function cloneSchema(source: DatabaseTarget, scratch: DatabaseTarget, ledgerTables: readonly string[]): Promise<void> {
  if (source.dialect !== scratch.dialect) throw new Error(`cannot clone ${source.dialect} into ${scratch.dialect}`)
  await (await scratchDriver(source.dialect)).clone(source, scratch, ledgerTables)
}
