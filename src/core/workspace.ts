import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Adapter, OpenContext, ProjectRef, Session } from '../adapter.js'
import { type LoadedConfig, loadConfig } from '../config/load.js'
import type { SkippedDir } from '../config/find-files.js'
import { type Project, resolveProjects } from '../config/projects.js'
import { installCommand, knownTools } from '../config/tools.js'
import { connect, connectShared } from '../db/connect.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { targetFrom } from '../db/url.js'
import { MigError, MigrationFailure, usageError } from '../output/errors.js'
import { registerUrlSecret } from '../output/redact.js'
import { envOverrides, environmentName, projectEnv, queuedMs, withProjectEnv } from './project-env.js'
import { kitFor } from './kit/index.js'
import { noticeOnce } from './notices.js'
import { renderTemplate } from './templates.js'
import { applicationName } from '../db/postgres/activity.js'

export interface WorkspaceOptions {
  /** `--cwd`: the repository root. */
  cwd?: string
  /** `--config`. */
  config?: string
  /** `--env`. */
  env?: string
  /** `--project`, repeatable; empty means every project. */
  projects?: string[]
  /** The command only reads (status, log): a database that does not exist yet is not created. */
  readOnly?: boolean
  /** `--timeout`: seconds a project may take to open, and to list its migrations. */
  timeoutSeconds?: number
  /** Every adapter available: the built-in sql one plus plugins'. */
  adapters: ReadonlyMap<string, Adapter>
  warn(message: string): void
}

export interface Workspace {
  root: string
  config: LoadedConfig
  /** Projects were detected: there is no config listing them. */
  detected: boolean
  /** The folders detection did not search. */
  skipped: readonly SkippedDir[]
  /** The selected projects, in project order. */
  projects: Project[]
  env: string | undefined
  adapters: ReadonlyMap<string, Adapter>
  readOnly: boolean
  /** `--timeout`, else the config's `timeoutSeconds`, else 30. */
  timeoutSeconds: number
  /** plan and verify: sessions open on a scratch database instead of the one the tool's config names (OpenContext.database). */
  redirect?: (target: DatabaseTarget) => DatabaseTarget | undefined
  warn(message: string): void
}

export async function openWorkspace(options: WorkspaceOptions): Promise<Workspace> {
  const root = resolve(options.cwd ?? process.cwd())
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw usageError('CWD_MISSING', `--cwd ${root} is not a directory`, 'pass the repository root')
  }
  const tools = new Set([...options.adapters.keys(), ...Object.keys(knownTools)])
  const config = await loadConfig(root, options.config, tools)
  const { projects, detected, skipped } = await resolveProjects(config, root, options.adapters)
  const wanted = options.projects ?? []
  const unknown = wanted.filter((name) => !projects.some((p) => p.name === name))
  if (unknown.length) {
    const known = projects.map((p) => p.name).join(', ') || 'none found'
    throw usageError('PROJECT_UNKNOWN', `unknown project ${unknown.map((n) => `"${n}"`).join(', ')}`, `known projects: ${known}`)
  }
  return {
    root,
    config,
    detected,
    skipped,
    projects: wanted.length ? projects.filter((p) => wanted.includes(p.name)) : projects,
    env: options.env,
    adapters: options.adapters,
    readOnly: options.readOnly ?? false,
    timeoutSeconds: options.timeoutSeconds ?? config.config.timeoutSeconds ?? 30,
    warn: options.warn,
  }
}

export function requireAdapter(project: Project): Adapter {
  if (project.adapter) return project.adapter
  const install = installCommand(project.tool)
  throw new MigError(
    'PLUGIN_MISSING',
    `${project.name}: no adapter for tool "${project.tool}"`,
    install ? `install its plugin: ${install}` : 'check the tool name in mig.config.json',
  )
}

/**
 * The one place core opens a project: opening evaluates the project's own
 * code (a knexfile, a DataSource), which may wait forever, so it and the
 * session's `list()` are raced against `--timeout`.
 */
export async function openSession(ws: Workspace, project: Project): Promise<Session> {
  const opening = requireAdapter(project).open(project, openContext(project, ws))
  // Opened after all, too late: nobody will close it otherwise.
  const session = await withinTimeout(
    opening,
    ws.timeoutSeconds,
    project,
    'load its tool config',
    (late) => void late.close().catch(() => {}),
  )
  registerUrlSecret(session.target.url)
  const list = session.list.bind(session)
  session.list = () => withinTimeout(list(), ws.timeoutSeconds, project, 'list its migrations')
  return session
}

/**
 * `work`, or OPEN_TIMEOUT after `seconds` of the project's own time: time
 * spent waiting for its turn to evaluate its config while another project's
 * config was evaluated (withProjectEnv) does not count, so one config that
 * never settles does not make every project after it look hung.
 */
function withinTimeout<T>(work: Promise<T>, seconds: number, project: Project, what: string, late?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const queuedBefore = queuedMs(project.dir)
  const timeout = new Promise<never>((_, reject) => {
    const arm = (ms: number, counted: number) => {
      timer = setTimeout(() => {
        const queued = queuedMs(project.dir) - queuedBefore
        if (queued > counted) return arm(queued - counted, queued)
        if (late) work.then(late, () => {})
        reject(
          new MigError(
            'OPEN_TIMEOUT',
            `${project.name}: did not ${what} within ${seconds} s`,
            `check ${project.relDir}'s ${project.tool} config for a promise that never settles or a host that does not answer, or allow longer with --timeout SECONDS ("timeoutSeconds" in mig.config.json)`,
          ),
        )
      }, ms)
    }
    arm(seconds * 1000, 0)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** What core hands an adapter to open `project` with: the one place an OpenContext is made. */
export function openContext(
  project: ProjectRef & { target?: string },
  ws: Pick<Workspace, 'root' | 'env' | 'readOnly' | 'warn'> & Partial<Pick<Workspace, 'timeoutSeconds' | 'redirect'>>,
): OpenContext {
  const env = environmentName(project.dir, ws.env, project.options.env)
  return {
    root: ws.root,
    env,
    projectEnv: () => projectEnv(project.dir),
    // A config that never settles gives up its turn when the project's open times out.
    withProjectEnv: (fn) => withProjectEnv(project.dir, fn, ws.timeoutSeconds === undefined ? undefined : ws.timeoutSeconds * 1000),
    warn: ws.warn,
    warnOnce: (key, message) => noticeOnce(ws.root, `${project.name}:${key}`, message, ws.warn),
    connect: ws.readOnly ? connectShared : connect,
    target: targetFrom,
    database: (target) => ws.redirect?.(target) ?? target,
    errors: { MigError, MigrationFailure },
    template: renderTemplate,
    ...kitFor(project, env),
  }
}

/** Sessions for several projects, closed together. If one fails to open, the ones already open are closed. */
export async function openSessions(ws: Workspace, projects: readonly Project[]): Promise<Map<string, Session>> {
  const sessions = new Map<string, Session>()
  // A tool's own PostgreSQL connections (node-postgres reads PGAPPNAME) carry core's application_name, so Ctrl-C
  // cancels a statement a migration runs there too (cancelInFlight). A name the user set is kept.
  process.env.PGAPPNAME ??= applicationName()
  try {
    for (const project of projects) sessions.set(project.name, await openSession(ws, project))
  } catch (error) {
    await closeAll(sessions.values())
    throw error
  }
  return sessions
}

/** The selected projects' sessions, grouped by database. */
export function byDatabase(projects: readonly Project[], sessions: Map<string, Session>) {
  const groups = new Map<string, { target: Session['target']; projects: Project[]; sessions: Session[] }>()
  for (const project of projects) {
    const session = sessions.get(project.name)!
    const group = groups.get(session.target.key) ?? { target: session.target, projects: [], sessions: [] }
    group.projects.push(project)
    group.sessions.push(session)
    groups.set(session.target.key, group)
  }
  return [...groups.values()]
}

export async function closeAll(items: Iterable<{ close(): Promise<void> }>): Promise<void> {
  await Promise.all([...items].map((s) => s.close().catch(() => {})))
}

/** One core connection per distinct database (lock and journal), keyed by target key. */
export async function connectTargets(sessions: Iterable<Session>): Promise<Map<string, Db>> {
  const dbs = new Map<string, Db>()
  try {
    for (const s of [...sessions].sort((a, b) => a.target.key.localeCompare(b.target.key))) {
      if (!dbs.has(s.target.key)) dbs.set(s.target.key, await connect(s.target))
    }
  } catch (error) {
    await closeAll(dbs.values())
    throw error
  }
  return dbs
}

/** One exported variable overriding different `.env` values of several projects, so that they all reach one database. */
export interface SharedOverride {
  variable: string
  projects: string[]
  /** The one database they reach, redacted. */
  database: string
}

/**
 * What the `.env` rule was once bent to prevent (one exported DATABASE_URL
 * aiming every project of a monorepo at one database), found after the fact:
 * projects whose `.env` files give a variable different values, all
 * overridden by the exported one, and whose sessions now reach one database.
 */
export function sharedOverrides(projects: readonly Project[], targets: ReadonlyMap<string, DatabaseTarget>): SharedOverride[] {
  const groups = new Map<string, { variable: string; target: DatabaseTarget; projects: string[]; values: Set<string> }>()
  for (const project of projects) {
    const target = targets.get(project.name)
    if (!target) continue
    for (const { variable, dotenv } of envOverrides(project.dir)) {
      const key = `${variable}\0${target.key}`
      const group = groups.get(key) ?? { variable, target, projects: [], values: new Set<string>() }
      group.projects.push(project.name)
      group.values.add(dotenv)
      groups.set(key, group)
    }
  }
  return [...groups.values()]
    .filter((g) => g.projects.length > 1 && g.values.size > 1)
    .map((g) => ({ variable: g.variable, projects: g.projects, database: g.target.display }))
}

/** `up`/`down` refuse to run when a shared override points several projects at one database, unless told to. */
export function refuseSharedOverrides(projects: readonly Project[], sessions: ReadonlyMap<string, Session>, allowed: boolean): void {
  const [shared] = sharedOverrides(projects, new Map([...sessions].map(([name, s]) => [name, s.target])))
  if (!shared || allowed) return
  throw new MigError(
    'SHARED_URL',
    `the exported ${shared.variable} overrides the different values in the .env files of ${shared.projects.join(', ')}, so they would all migrate ${shared.database}`,
    `unset ${shared.variable} to let each project use its own .env, pass --project to pick one, or --allow-shared-url if they really share that database`,
  )
}
