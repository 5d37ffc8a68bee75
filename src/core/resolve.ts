import type { Migration, MigrationState } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { connect } from '../db/connect.js'
import { MigError, usageError } from '../output/errors.js'
import { checksumFiles } from './checksum.js'
import {
  type JournalEntry,
  actor,
  ensureJournal,
  latestByMigration,
  readJournal,
  recordJournal,
  resolveOutcome,
  journaledState,
} from './journal.js'
import { type HeldLock, type LockHolder, acquireLock } from './lock/index.js'
import { type Workspace, closeAll, openSessions, requireAdapter } from './workspace.js'

export type Mark = 'applied' | 'rolled-back'

/**
 * What to mark. `one`: a failed or hand-fixed migration (`mig resolve ID`).
 * `baseline`: adopting a database that already holds the schema, every
 * pending migration up to and including `to` (all of the one selected
 * project without it) marked applied without running it.
 */
export type ResolveRequest = { kind: 'one'; id: string; as: Mark } | { kind: 'baseline'; to?: string }

export interface ResolveOptions {
  request: ResolveRequest
  /** Why, recorded in the journal's note. */
  reason?: string
  /** Say what would be marked; take no lock, write nothing. */
  dryRun?: boolean
  lockTimeoutMs: number
  onLockWait?(database: string, holder: LockHolder | undefined): void
}

export interface Marked {
  project: string
  id: string
  name: string
  as: Mark
  note: string
}

export interface ResolveResult {
  marked: Marked[]
  dryRun: boolean
}

/**
 * Mark migrations in their tool's ledger without running them, under the
 * database's migration lock, each followed by a `resolve` journal row with
 * the checksum of its files (drift is measured from them on), who and why.
 */
export async function resolveMigrations(ws: Workspace, options: ResolveOptions): Promise<ResolveResult> {
  const { request } = options
  for (const p of ws.projects) requireAdapter(p)
  if (request.kind === 'baseline' && request.to === undefined && ws.projects.length !== 1) {
    throw usageError(
      'BASELINE_PROJECT',
      `baseline without --to needs one project, and ${ws.projects.length} are selected: ${ws.projects.map((p) => p.name).join(', ')}`,
      'pick one with --project, or name the last migration to mark with --to',
    )
  }
  const sessions = await openSessions(ws, ws.projects)
  try {
    const lists = new Map<string, Migration[]>()
    for (const p of ws.projects) lists.set(p.name, await sessions.get(p.name)!.list())
    const wanted = request.kind === 'one' ? request.id : request.to
    const project = wanted === undefined ? ws.projects[0]! : owner(ws.projects, lists, wanted)
    const session = sessions.get(project.name)!
    if (!session.mark) {
      throw new MigError(
        'MARK_UNSUPPORTED',
        `${project.name}: the ${project.tool} adapter cannot mark migrations without running them`,
        `update its plugin, or use the tool's own command (e.g. its "fake" or "resolve" option)`,
      )
    }
    const db = await connect(session.target)
    let lock: HeldLock | undefined
    try {
      if (!options.dryRun) {
        lock = await acquireLock(db, options.lockTimeoutMs, (holder) => options.onLockWait?.(session.target.display, holder))
        await ensureJournal(db)
      }
      // Listed again under the lock: another run may have moved on since.
      const list = await session.list()
      const states = effectiveStates(list, await readJournal(db, [project.name]), project.name)
      const as: Mark = request.kind === 'one' ? request.as : 'applied'
      const picked = pick(project, list, states, request)
      const marked: Marked[] = []
      for (const m of picked) {
        const note = noteFor(request, options.reason)
        if (!options.dryRun) {
          const startedAt = new Date()
          // A half-reverted migration put back by hand is still in the ledger: nothing to write there.
          if (!(as === 'applied' && m.state === 'applied')) await session.mark(m, as)
          const entry: JournalEntry = {
            project: project.name,
            tool: project.tool,
            migration: m.id,
            direction: 'resolve',
            checksum: m.files.length ? await checksumFiles(m.files) : null,
            actor: actor(),
            startedAt: startedAt.toISOString(),
            durationMs: Date.now() - startedAt.getTime(),
            outcome: resolveOutcome(as),
            error: null,
            backupId: null,
            note,
          }
          await recordJournal(db, entry)
        }
        marked.push({ project: project.name, id: m.id, name: m.name, as, note })
      }
      return { marked, dryRun: options.dryRun ?? false }
    } finally {
      await lock?.release().catch(() => {})
      await closeAll([db])
    }
  } finally {
    await closeAll(sessions.values())
  }
}

const stripExt = (id: string): string => id.replace(/\.(js|cjs|mjs|ts)$/, '')
const matches = (m: Migration, id: string): boolean => m.id === id || stripExt(m.id) === id

/** The one selected project that has `id`, as `up --to` finds it. */
function owner(projects: Project[], lists: Map<string, Migration[]>, id: string): Project {
  const owners = projects.filter((p) => (lists.get(p.name) ?? []).some((m) => matches(m, id)))
  if (owners.length === 0) {
    throw usageError(
      'MIGRATION_UNKNOWN',
      `no migration "${id}" in ${projects.length === 1 ? `project ${projects[0]!.name}` : 'the selected projects'}`,
      'run `mig status` to see migration ids',
    )
  }
  if (owners.length > 1)
    throw usageError(
      'MIGRATION_AMBIGUOUS',
      `migration "${id}" exists in several projects: ${owners.map((p) => p.name).join(', ')}`,
      'pick one with --project',
    )
  return owners[0]!
}

/** The states `mig status` shows: a pending migration whose last attempt failed partway is failed until resolved. */
function effectiveStates(list: Migration[], journal: JournalEntry[], project: string): Map<string, MigrationState> {
  const latest = latestByMigration(journal, project)
  return new Map(
    list.map((m) => {
      const last = latest.get(m.id)
      // Read under the lock: a `running` row's run is gone.
      return [m.id, journaledState(m.state, last, true)]
    }),
  )
}

function pick(project: Project, list: Migration[], states: Map<string, MigrationState>, request: ResolveRequest): Migration[] {
  const stateOf = (m: Migration) => states.get(m.id)!
  const target = request.kind === 'one' ? request.id : request.to
  const found = target === undefined ? undefined : list.find((m) => matches(m, target))
  if (
    found &&
    (stateOf(found) === 'applied' || stateOf(found) === 'missing') &&
    (request.kind === 'baseline' || request.as === 'applied')
  ) {
    throw usageError(
      'MIGRATION_APPLIED',
      `${project.name}: ${found.id} is already applied, so there is nothing to mark`,
      'run `mig status` to see what is pending',
    )
  }
  if (request.kind === 'one') {
    if (request.as === 'rolled-back' && stateOf(found!) !== 'failed') {
      throw usageError(
        'MIGRATION_NOT_FAILED',
        `${project.name}: ${found!.id} is ${stateOf(found!)}, not failed, so there is nothing to mark rolled back`,
        '--rolled-back is for a migration `mig status` shows failed; `mig down` reverts an applied one',
      )
    }
    return [found!]
  }
  const queue = list.filter((m) => stateOf(m) === 'pending' || stateOf(m) === 'failed')
  return found ? queue.slice(0, queue.indexOf(found) + 1) : queue
}

function noteFor(request: ResolveRequest, reason: string | undefined): string {
  const what = request.kind === 'baseline' ? 'baseline' : request.as === 'applied' ? 'applied by hand' : 'rolled back by hand'
  return reason?.trim() ? `${what}: ${reason.trim()}` : what
}
