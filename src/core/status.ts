import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import type { Migration, MigrationState } from '../adapter.js'
import { ignoredFiles, migrationsDir } from '../adapters/sql/files.js'
import { backupRoot } from '../backup/store.js'
import { trackedBackups } from './backup.js'
import { installCommand } from '../config/tools.js'
import { connectShared } from '../db/connect.js'
import type { Project } from '../config/projects.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'
import { redact } from '../output/redact.js'
import { type Checksums, checksumCache, hasDrift } from './checksum.js'
import { type JournalEntry, appliedChecksums, latestByMigration, readJournal, journaledState } from './journal.js'
import { type LockHolder, lockHolder } from './lock/index.js'
import { parseTimestamp } from './ordering.js'
import { envOverrides } from './project-env.js'
import { type Workspace, closeAll, openSession, sharedOverrides } from './workspace.js'

/** Status exit code bits (DESIGN.md §5). */
export const StatusBit = { unanswered: 1, pending: 2, drift: 4, failed: 8, locked: 16 } as const

export interface MigrationStatus {
  id: string
  name: string
  state: MigrationState
  appliedAt?: string
  batch?: number
  checksum?: string
  drift: boolean
  reversible: boolean
  timestamp?: string
  /** Why it failed (state failed). */
  error?: string
  /** Its first file, absolute: only with the `files` option (`--format github`), never in JSON. */
  file?: string
}

export interface ProjectStatus {
  name: string
  tool: string
  dir: string
  database?: { dialect: string; url: string }
  summary?: { applied: number; pending: number; failed: number; drift: number; missing: number }
  migrations?: MigrationStatus[]
  lock?: { holder: string; since?: string; stale: boolean }
  /**
   * The tool's own lock, held (knex_migrations_lock). It cannot tell a
   * running tool from a crashed one, so it always counts as locked.
   */
  toolLock?: { holder: string; since?: string }
  /** Files in the migrations folder that the tool does not take as migrations (their names break its rule). */
  ignoredFiles?: string[]
  plugin?: { installed: false; install: string }
  /**
   * Exported variables that override a value in the project's `.env`
   * (`overridden`), and those that, doing so in several projects, point them
   * all at one database (`shared`: `up`/`down` refuse that).
   */
  env?: { overridden: string[]; shared?: { variable: string; projects: string[] }[] }
  error?: { code: string; message: string; hint?: string }
}

export interface StatusResult {
  projects: ProjectStatus[]
  /** Backup files (full data dumps) that git tracks: they belong out of the repository. */
  trackedBackups?: string[]
  exitCode: number
}

export interface StatusOptions {
  /** Report every migration's checksum (JSON). Otherwise only the files whose
   * journal row holds a checksum to compare are read: a table of 1000
   * migrations applied by the tool itself reads no migration file. */
  checksums?: boolean
  /** Name each migration's first file (MigrationStatus.file). */
  files?: boolean
  /** Ask git for tracked backup files (default): a fleet asks once for all its targets. */
  trackedBackups?: boolean
}

export async function status(ws: Workspace, options: StatusOptions = {}): Promise<StatusResult> {
  const targets = new Map<string, DatabaseTarget>()
  const projects = await Promise.all(ws.projects.map((project) => projectStatus(ws, project, options, targets)))
  noteEnv(ws.projects, projects, targets)
  let exitCode = 0
  for (const p of projects) {
    // Blind to a project (it failed, or its plugin is not installed): never report it clean.
    if (p.error) exitCode |= StatusBit.unanswered
    if (p.summary?.pending) exitCode |= StatusBit.pending
    if (p.summary && (p.summary.drift || p.summary.missing)) exitCode |= StatusBit.drift
    if (p.summary?.failed) exitCode |= StatusBit.failed
    if ((p.lock && !p.lock.stale) || p.toolLock) exitCode |= StatusBit.locked
  }
  const dir = backupRoot(ws.config.dir, ws.config.config.backup?.dir)
  // git is asked only when there is a backup folder to ask about: status stays fast.
  const tracked = options.trackedBackups !== false && existsSync(dir) ? trackedBackups(ws.root, dir) : []
  return { projects, ...(tracked.length ? { trackedBackups: tracked } : {}), exitCode }
}

/** Say where an exported variable overrides a project's `.env`, and where that points several projects at one database. */
function noteEnv(projects: readonly Project[], statuses: ProjectStatus[], targets: ReadonlyMap<string, DatabaseTarget>): void {
  const shared = sharedOverrides(projects, targets)
  for (const [i, project] of projects.entries()) {
    const overridden = envOverrides(project.dir).map((o) => o.variable)
    if (!overridden.length) continue
    const mine = shared
      .filter((s) => s.projects.includes(project.name))
      .map(({ variable, projects: names }) => ({ variable, projects: names }))
    statuses[i]!.env = { overridden, ...(mine.length ? { shared: mine } : {}) }
  }
}

async function projectStatus(
  ws: Workspace,
  project: Project,
  options: StatusOptions,
  targets: Map<string, DatabaseTarget>,
): Promise<ProjectStatus> {
  const base: ProjectStatus = { name: project.name, tool: project.tool, dir: project.relDir }
  if (!project.adapter) {
    const install = installCommand(project.tool)
    const message = `no adapter for tool "${project.tool}"`
    if (!install) return { ...base, error: { code: 'PLUGIN_MISSING', message } }
    return {
      ...base,
      plugin: { installed: false, install },
      error: { code: 'PLUGIN_MISSING', message: `${message}: its plugin is not installed`, hint: `install it: ${install}` },
    }
  }
  let session
  let db: Db | undefined
  try {
    session = await openSession(ws, project)
    base.database = { dialect: session.target.dialect, url: session.target.display }
    targets.set(project.name, session.target)
    const migrations = await session.list()
    db = await connectShared(session.target)
    const journal = await readJournal(db, [project.name])
    const holder = await lockHolder(db)
    const tool = await session.toolLock?.()
    // The built-in adapter's rule; the files are named in its warning too.
    const ignored = project.tool === 'sql' ? (await ignoredFiles(migrationsDir(project.dir))).map((f) => relative(project.dir, f)) : []
    const sums = checksumCache(project.dir)
    const rows = await describe(migrations, journal, project.name, options.checksums ?? true, !holder || holder.stale, sums)
    sums.save()
    if (options.files) for (const [i, m] of migrations.entries()) if (m.files[0]) rows[i]!.file = m.files[0]
    return {
      ...base,
      summary: summarize(rows),
      migrations: rows,
      ...(holder ? { lock: lockInfo(holder) } : {}),
      ...(ignored.length ? { ignoredFiles: ignored } : {}),
      ...(tool?.held ? { toolLock: { holder: `${project.tool} (${tool.name})`, ...(tool.since ? { since: tool.since } : {}) } } : {}),
    }
  } catch (error) {
    const e = error instanceof MigError ? error : undefined
    if (!base.database && e?.database) base.database = e.database
    return {
      ...base,
      error: { code: e?.code ?? 'STATUS_FAILED', message: redact(errorMessage(error)), ...(e?.hint ? { hint: e.hint } : {}) },
    }
  } finally {
    await closeAll([...(session ? [session] : []), ...(db ? [db] : [])])
  }
}

const lockInfo = (h: LockHolder) => ({ holder: h.who, ...(h.since ? { since: h.since } : {}), stale: h.stale })

/** `unlocked`: no live run holds the database's lock, so a `running` journal row's run is gone. */
async function describe(
  migrations: Migration[],
  journal: JournalEntry[],
  project: string,
  allChecksums: boolean,
  unlocked: boolean,
  checksums: Checksums,
): Promise<MigrationStatus[]> {
  const sums = appliedChecksums(journal, project)
  const latest = latestByMigration(journal, project)
  return Promise.all(
    migrations.map(async (m) => {
      const recorded = sums.get(m.id)
      const wanted = allChecksums || (m.state === 'applied' && !!recorded)
      const checksum = m.checksum ?? (wanted && m.files.length ? checksums.of(m.files) : undefined)
      const last = latest.get(m.id)
      let state = m.state
      let error: string | undefined
      if (journaledState(state, last, unlocked) === 'failed') {
        error = last?.direction === 'down' ? `reverting it stopped partway: ${last.error ?? 'see mig log'}` : (last?.error ?? undefined)
        state = 'failed'
      }
      const drift = hasDrift(m, recorded, checksum)
      const timestamp = m.timestamp ?? parseTimestamp(m.id)
      return {
        id: m.id,
        name: m.name,
        state,
        ...(m.appliedAt ? { appliedAt: m.appliedAt } : {}),
        ...(m.batch !== undefined ? { batch: m.batch } : {}),
        ...(checksum ? { checksum } : {}),
        drift,
        reversible: m.reversible,
        ...(timestamp ? { timestamp } : {}),
        ...(error ? { error } : {}),
      }
    }),
  )
}

function summarize(rows: MigrationStatus[]) {
  const count = (pred: (m: MigrationStatus) => boolean) => rows.filter(pred).length
  return {
    applied: count((m) => m.state === 'applied'),
    pending: count((m) => m.state === 'pending'),
    failed: count((m) => m.state === 'failed'),
    drift: count((m) => m.drift && m.state === 'applied'),
    missing: count((m) => m.state === 'missing'),
  }
}
