import { setTimeout as sleep } from 'node:timers/promises'
import { connect } from '../db/connect.js'
import type { DatabaseTarget } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'
import { redact } from '../output/redact.js'
import type { Project } from '../config/projects.js'
import { type Workspace, openContext, requireAdapter } from './workspace.js'

/** One database `mig wait` waited for, and the projects on it. */
export interface WaitedDatabase {
  projects: string[]
  database: { dialect: string; url: string }
  /** From the start of the command until the server accepted a connection. */
  ms: number
  /** Ready, with a remark: a SQLite file (no server), or a database the server says does not exist yet. */
  note?: string
}

export interface WaitOptions {
  /** When the command started (Date.now()): the timeout counts from there, config loading included. */
  started: number
  timeoutMs: number
  /** A line for stderr, once per database, when its first attempt fails. */
  waiting(line: string): void
}

/** Between attempts: quick at first (a server a moment from ready), then once a second, as dbmate's `wait` polls. */
const backoff = (attempt: number): number => Math.min(100 * 2 ** attempt, 1000)

/**
 * dbmate's `wait`: until every selected project's database server accepts a
 * connection, all at once, or the timeout passes. A database the server
 * says does not exist is ready (the server answers; `mig up` creates it);
 * refused credentials are an error at once, since waiting cannot fix them.
 */
export async function waitForDatabases(ws: Workspace, options: WaitOptions): Promise<WaitedDatabase[]> {
  const deadline = options.started + options.timeoutMs
  const groups = new Map<string, { target: DatabaseTarget; projects: string[] }>()
  for (const project of ws.projects) {
    const target = await targetOf(ws, project, deadline - Date.now())
    const group = groups.get(target.key) ?? { target, projects: [] }
    group.projects.push(project.name)
    groups.set(target.key, group)
  }
  const stop = new AbortController()
  try {
    return await Promise.all(
      [...groups.values()].map(async ({ target, projects }) => {
        const database = { dialect: target.dialect, url: target.display }
        const ready = (note?: string): WaitedDatabase => ({
          projects,
          database,
          ms: Date.now() - options.started,
          ...(note ? { note } : {}),
        })
        if (target.dialect === 'sqlite') return ready('a file: no server to wait for')
        for (let attempt = 0; ; attempt++) {
          const failure = await tryConnect(target, deadline - Date.now())
          if (failure === undefined) return ready()
          if (failure.code === 'DB_MISSING') return ready(`${failure.message}: the server answers`)
          if (failure.code === 'DB_AUTH') throw failure
          if (attempt === 0) options.waiting(`waiting for ${database.url} (${projects.join(', ')}): ${reason(failure)}`)
          const left = deadline - Date.now()
          if (left > 0) await sleep(Math.min(backoff(attempt), left), undefined, { signal: stop.signal }).catch(() => {})
          if (stop.signal.aborted || Date.now() >= deadline) throw timedOut(target, projects, options.timeoutMs, failure)
        }
      }),
    )
  } finally {
    // Another database's error ends the command: its loops stop rather than keep the process up.
    stop.abort()
  }
}

/** Thrown by the probe's connect: the adapter has named its database, which is all `wait` needs of it. */
class Named extends Error {}

/**
 * The database a project's tool config names, without connecting: its
 * adapter is opened (the config evaluated, as every command does) with a
 * context whose `connect` only records the target. Every adapter passes its
 * target through `database()` (the adapter contract), so one that opens
 * lazily, without connecting, is read there.
 */
async function targetOf(ws: Workspace, project: Project, remainingMs: number): Promise<DatabaseTarget> {
  let named: DatabaseTarget | undefined
  const ctx = openContext(project, ws)
  const opening = requireAdapter(project).open(project, {
    ...ctx,
    database: (target) => (named = ctx.database(target)),
    connect: async (target) => {
      named = target
      throw new Named()
    },
  })
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new MigError(
            'WAIT_TIMEOUT',
            `${project.name}: its ${project.tool} config did not load in time`,
            `check ${project.relDir}'s ${project.tool} config for a promise that never settles, or wait longer with --timeout`,
          ),
        ),
      Math.max(0, remainingMs),
    )
  })
  try {
    const session = await Promise.race([opening, late])
    await session.close().catch(() => {})
    return session.target
  } catch (error) {
    // Opened after all, too late: nobody will close it otherwise.
    opening.then(
      (s) => s.close().catch(() => {}),
      () => {},
    )
    if (named) return named
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** One connection attempt, bounded by what is left of the timeout: undefined when the server accepted it. */
async function tryConnect(target: DatabaseTarget, remainingMs: number): Promise<MigError | undefined> {
  let timer: NodeJS.Timeout | undefined
  const attempt = connect(target)
  // A server that accepts the socket and never answers: the attempt is given up, and closed should it still succeed.
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, remainingMs))))
  try {
    const outcome = await Promise.race([attempt, late])
    if (outcome === 'late') {
      attempt.then(
        (db) => db.close(),
        () => {},
      )
      return new MigError('DB_UNREACHABLE', `no answer from ${target.display}`)
    }
    await outcome.close()
    return undefined
  } catch (error) {
    if (error instanceof MigError) return error
    throw error
  } finally {
    clearTimeout(timer)
  }
}

function timedOut(target: DatabaseTarget, projects: string[], timeoutMs: number, last: MigError): MigError {
  return new MigError(
    'WAIT_TIMEOUT',
    `${projects.join(', ')}: ${target.display} did not accept connections within ${formatDuration(timeoutMs)} (${reason(last)})`,
    'is the server starting, and are the host and port right? wait longer with --timeout (e.g. --timeout 2m)',
    { database: { dialect: target.dialect, url: target.display } },
  )
}

/** Why an attempt failed, without the URL the message is already about: the network's code, else the server's or driver's words. */
const reason = (failure: MigError): string =>
  failure.code === 'DB_UNREACHABLE'
    ? (/\(([^()]+)\)$/.exec(failure.message)?.[1] ?? 'no answer')
    : redact(errorMessage(failure.cause ?? failure).split('\n')[0] ?? '')

/** `30`, `30s`, `500ms`, `2m`, `1m30s`: milliseconds. A bare number is seconds, as every other --timeout of mig. */
export function parseDuration(text: string): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (!parts.length || parts.map((p) => p[0]).join('') !== trimmed)
    throw new Error(`"${text}" is not a duration: write 30s, 500ms, 2m or 1m30s`)
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0))
}

/** 2000 → `2s`, 90000 → `1m30s`, 500 → `500ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const seconds = Math.round(ms / 100) / 10
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds - minutes * 60)
  return `${minutes}m${rest ? `${rest}s` : ''}`
}
