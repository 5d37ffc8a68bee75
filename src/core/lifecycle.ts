import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { JournalHook, Migration, RunOptions, Session } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { connectExisting } from '../db/connect.js'
import type { Db } from '../db/types.js'
import { MigError, MigrationFailure, errorMessage, usageError } from '../output/errors.js'
import { redact } from '../output/redact.js'
import { checksumCache, checksumFiles, hasDrift } from './checksum.js'
import { isConnectionLost } from '../db/drivers.js'
import { cancelInFlight, signalExit, watchInterrupts } from './interrupt.js'
import {
  type JournalEntry,
  type Outcome,
  actor,
  appliedChecksums,
  ensureJournal,
  journalTable,
  finishJournal,
  journalInsertSql,
  readJournal,
  recordJournal,
  recordJournalAgain,
  journaledState,
  latestByMigration,
} from './journal.js'
import { type HeldLock, type LockHolder, acquireLock } from './lock/index.js'
import { JournalConnection, rereadLedger } from './recover.js'
import { type AppliedTime, type Placed, type UnknownOrder, mergeApplied, mergeQueues } from './ordering.js'
import { backupHeld } from './backup.js'
import { type Workspace, byDatabase, closeAll, connectTargets, openSessions, refuseSharedOverrides, requireAdapter } from './workspace.js'

export type Direction = 'up' | 'down'

/** Which migrations a run takes (DESIGN.md §5). `to` is inclusive for up, exclusive for down. */
export type Selection =
  | { kind: 'all' }
  | { kind: 'one' }
  | { kind: 'step'; n: number }
  | { kind: 'to'; id: string }
  /** down only: the project's last batch (knex). */
  | { kind: 'batch' }

export interface Step {
  project: Project
  migration: Migration
  /** down: when it was applied (ISO), as far as mig can tell. */
  appliedAt?: string
}

export type RunEvent =
  | { type: 'lock-wait'; database: string; holder: LockHolder | undefined }
  | { type: 'lock-acquired'; database: string; waitedMs: number; holder: LockHolder | undefined }
  /** Before the first migration (and before any backup): every step the run will take. */
  | { type: 'plan'; steps: Step[]; direction: Direction }
  | { type: 'start'; step: Step; direction: Direction }
  | { type: 'done'; step: Step; direction: Direction; durationMs: number }
  | { type: 'retry-failed'; step: Step }
  | { type: 'backup'; database: string; id: string }
  /** Migrations whose file that runs is empty: they change nothing (--strict refuses them). */
  | { type: 'empty'; steps: Step[]; direction: Direction }
  /** --allow-drift: the run goes on over these. */
  | { type: 'drift-allowed'; problems: Problem[] }
  /** SIGINT/SIGTERM: the first stops the run after `step`, the second (`again`) exits at once. */
  | { type: 'interrupt'; signal: NodeJS.Signals; again: boolean; step?: Step; transactional?: boolean }
  /** The run is over, whichever way (locks released): a progress line goes before the summary or the error. */
  | { type: 'end' }

/** What stops up and down before anything runs (Flyway's validate). */
export interface Problem {
  project: string
  id: string
  kind: 'drift' | 'missing' | 'failed'
}

/** What `mig up`/`mig down` ask of the lifecycle (RunOptions, in src/adapter.ts, is what one migration's up/down receives). */
export interface LifecycleOptions {
  direction: Direction
  selection: Selection
  lockTimeoutMs: number
  /** Back up each database the run will change, after taking its lock and before the first migration. */
  backup?: boolean
  /** Run even when one exported variable points several projects, whose .env files differ, at one database. */
  allowSharedUrl?: boolean
  /** Run over drift or a failed migration (journaled with each migration the run makes). */
  allowDrift?: boolean
  /** Refuse a migration whose file is empty, rather than warn and run it. */
  strict?: boolean
  /** up: each database's migrations in one transaction (`--atomic`; also `"atomic": true` per project in mig.config). */
  atomic?: boolean
  onEvent?(event: RunEvent): void
}

export interface Applied {
  project: string
  id: string
  name: string
  direction: Direction
  durationMs: number
}

export interface RunResult {
  direction: Direction
  migrations: Applied[]
  /** The migration that failed and stopped the run (the run's error says why). */
  failed?: { project: string; id: string; name: string; direction: Direction }
  /** Backups taken before the run (--backup, backup.before). */
  backups: { database: string; id: string }[]
  /** Time spent waiting for locks held by other runs, per database. */
  waited: { database: string; ms: number; holder?: string }[]
}

/**
 * Apply or revert migrations: open every selected project, take each
 * database's lock (in a fixed order, so two runs never deadlock), list under
 * the lock, pick the steps, run them one at a time, journal each. Before each
 * migration the lock is checked still held; the first SIGINT/SIGTERM stops
 * the run after the current migration (rolled back where the dialect can),
 * the second exits at once.
 */
export async function run(ws: Workspace, options: LifecycleOptions): Promise<RunResult> {
  const projects = ws.projects
  for (const p of projects) requireAdapter(p)
  const sessions = await openSessions(ws, projects)
  try {
    refuseSharedOverrides(projects, sessions, options.allowSharedUrl ?? false)
  } catch (error) {
    await closeAll(sessions.values())
    throw error
  }
  const locks = new Map<string, HeldLock>()
  const journalDbs = new Map<string, JournalConnection>()
  let dbs = new Map<string, Db>()
  const result: RunResult = { direction: options.direction, migrations: [], backups: [], waited: [] }
  let inFlight: { step: Step; db: Db; transactional: boolean } | undefined
  const interrupts = watchInterrupts(
    (signal) => {
      options.onEvent?.({
        type: 'interrupt',
        signal,
        again: false,
        ...(inFlight ? { step: inFlight.step, transactional: inFlight.transactional } : {}),
      })
      if (inFlight?.transactional) cancelInFlight(inFlight.db).catch(() => {})
    },
    (signal) =>
      options.onEvent?.({
        type: 'interrupt',
        signal,
        again: true,
        ...(inFlight ? { step: inFlight.step, transactional: inFlight.transactional } : {}),
      }),
  )
  try {
    dbs = await connectTargets(sessions.values())
    for (const db of dbs.values()) {
      const database = db.target.display
      const lock = await acquireLock(
        db,
        options.lockTimeoutMs,
        (holder) => options.onEvent?.({ type: 'lock-wait', database, holder }),
        interrupts.signal,
      )
      locks.set(db.target.key, lock)
      if (lock.waited) {
        result.waited.push({ database, ms: lock.waited.ms, ...(lock.waited.holder ? { holder: lock.waited.holder.who } : {}) })
        options.onEvent?.({ type: 'lock-acquired', database, waitedMs: lock.waited.ms, holder: lock.waited.holder })
      }
      await ensureJournal(db)
      journalDbs.set(db.target.key, new JournalConnection(db, await journalTable(db)))
    }
    const { steps, problems, failed } = await select(projects, sessions, dbs, options)
    const atomic = await atomicProjects(ws, steps, sessions, options, failed)
    // --allow-drift is journaled with every migration the run makes over it.
    const note = problems.length ? `--allow-drift over: ${problems.map(describeProblem).join('; ')}` : null
    options.onEvent?.({ type: 'plan', steps, direction: options.direction })
    const backupIds = new Map<string, string>()
    if (options.backup && steps.length) {
      const touched = new Set(steps.map((s) => sessions.get(s.project.name)!.target.key))
      for (const group of byDatabase(projects, sessions).filter((g) => touched.has(g.target.key))) {
        const manifest = await backupHeld(ws, group, dbs.get(group.target.key)!)
        backupIds.set(group.target.key, manifest.id)
        result.backups.push({ database: group.target.display, id: manifest.id })
        options.onEvent?.({ type: 'backup', database: group.target.display, id: manifest.id })
      }
    }
    // --atomic: a project's steps run as one block, where its first step would.
    const block = new Map<Step, Step[]>()
    for (const step of steps) {
      if (!atomic.has(step.project.name)) continue
      const first = steps.find((s) => s.project === step.project)!
      if (first === step) block.set(step, [step])
      else block.get(first)!.push(step)
    }
    for (const [index, step] of steps.entries()) {
      const { project, migration: m } = step
      if (atomic.has(project.name) && !block.has(step)) continue
      let stopped = { ...result, failed: { project: project.name, id: m.id, name: m.name, direction: options.direction } }
      if (interrupts.signal.aborted) throw withResult(interrupted(interrupts.received, result, undefined), result)
      const session = sessions.get(project.name)!
      const key_ = session.target.key
      // A lock whose session died (killed, cut) is free for another run to take: go no further.
      if (!(await locks.get(key_)!.held())) throw withResult(lockLost(session.target.display, result), result)
      const wasFailed = failed.has(key(project.name, m.id))
      if (wasFailed) options.onEvent?.({ type: 'retry-failed', step })
      const context: StepContext = {
        ws,
        session,
        journal: journalDbs.get(key_)!,
        options,
        backupId: backupIds.get(key_) ?? null,
        note,
        wasFailed,
        signal: interrupts.signal,
        next: steps[index + 1]?.project === project ? steps[index + 1]!.migration : undefined,
      }
      try {
        const steps_ = block.get(step)
        if (steps_)
          result.migrations.push(
            ...(await runAtomic(steps_, context, (now) => {
              inFlight = { step: now, db: dbs.get(key_)!, transactional: true }
              stopped = { ...result, failed: { project: project.name, id: now.migration.id, name: now.migration.name, direction: 'up' } }
            })),
          )
        else
          result.migrations.push(await runStep(step, context, (transactional) => (inFlight = { step, db: dbs.get(key_)!, transactional })))
      } catch (error) {
        // What the run did before it stopped is part of the answer (--json prints it beside the error).
        if (error instanceof StepInterrupted)
          throw withResult(
            interrupted(interrupts.received, result, { step: inFlight?.step ?? step, outcome: error.outcome, kept: error.kept }),
            stopped,
          )
        throw withResult(error, stopped)
      } finally {
        inFlight = undefined
      }
    }
    return result
  } finally {
    interrupts.dispose()
    for (const lock of [...locks.values()].reverse()) await lock.release().catch(() => {})
    await closeAll(journalDbs.values())
    await closeAll(dbs.values())
    await closeAll(sessions.values())
    options.onEvent?.({ type: 'end' })
  }
}

interface StepContext {
  ws: Workspace
  session: Session
  /** The step's database, for its journal rows. */
  journal: JournalConnection
  options: LifecycleOptions
  backupId: string | null
  note: string | null
  /** Its last run failed partway: the database holds part of it whatever this run does. */
  wasFailed: boolean
  signal: AbortSignal
  /** The project's next step, when it comes right after this one (RunOptions.next). */
  next: Migration | undefined
}

/** A step a signal stopped: how it was left. */
class StepInterrupted extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly kept: string | undefined,
  ) {
    super('interrupted')
  }
}

/** How far a statement-by-statement migration got, in words. */
const ran = (progress: { done: number; total: number } | undefined): string | undefined =>
  progress ? `${progress.done} of ${progress.total} statements ran` : undefined

async function runStep(step: Step, c: StepContext, onStart: (transactional: boolean) => void): Promise<Applied> {
  const { project, migration: m } = step
  const { session, options } = c
  const direction = options.direction
  options.onEvent?.({ type: 'start', step, direction })
  const checksum = m.files.length ? await checksumFiles(m.files) : null
  const transactional = await isTransactional(session, step, direction, c.wasFailed)
  const startedAt = new Date()
  const elapsed = (): number => Date.now() - startedAt.getTime()
  let progress: { done: number; total: number } | undefined
  // Each statement's progress is journaled after it ends: a kill in between leaves one more run than recorded.
  const unfinished = (): string =>
    `its run ended without recording how (killed, or its connection lost); ${
      progress
        ? `at least ${ran(progress)}, perhaps one more`
        : 'none of its statements was recorded as finished, though the first may have run'
    }`
  const entry: JournalEntry = {
    project: project.name,
    tool: project.tool,
    migration: m.id,
    direction,
    checksum,
    actor: actor(),
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    outcome: 'running',
    error: unfinished(),
    backupId: c.backupId,
    note: c.note,
  }
  // No transaction covers it: say so before its first statement, so a crash leaves a trace (golang-migrate's dirty flag).
  if (!transactional)
    await c.journal.write(
      (db) => recordJournal(db, entry),
      (db) => recordJournalAgain(db, entry),
    )
  // The adapter took the ok row into the migration's transaction (RunOptions.journal): whether that committed is read back, not assumed.
  let inTransaction: number | undefined
  const end = (outcome: Outcome, error: string | null): Promise<void> =>
    transactional
      ? c.journal.write(
          (db) =>
            (inTransaction === undefined ? recordJournal : recordJournalAgain)(db, { ...entry, durationMs: elapsed(), outcome, error }),
          (db) => recordJournalAgain(db, { ...entry, durationMs: elapsed(), outcome, error }),
        )
      : c.journal.write((db) => finishJournal(db, entry, { durationMs: elapsed(), outcome, error }))
  const runOptions: RunOptions = {
    ...(transactional
      ? {
          journal: {
            statement: () => {
              inTransaction = elapsed()
              return journalInsertSql(
                session.target.dialect,
                { ...entry, durationMs: inTransaction, outcome: 'ok', error: null },
                c.journal.table,
              )
            },
          },
        }
      : {}),
    transaction: 'auto',
    signal: c.signal,
    ...(c.next ? { next: c.next } : {}),
    progress: async (done, total) => {
      progress = { done, total }
      if (!transactional)
        await c.journal
          .write((db) => finishJournal(db, entry, { durationMs: elapsed(), outcome: 'running', error: unfinished() }))
          .catch(() => {})
    },
  }
  onStart(transactional)
  try {
    if (direction === 'up') await session.up(m, runOptions)
    else await session.down(m, runOptions)
  } catch (error) {
    const failure = error instanceof MigrationFailure ? error : undefined
    const message = redact(errorMessage(error))
    // A retry of a migration that failed partway leaves the database holding part of it, however this attempt ends.
    const partial = c.wasFailed || (failure?.partial ?? false) || (!transactional && (progress?.done ?? 0) > 0)
    if (c.signal.aborted) {
      const outcome: Outcome = partial ? 'failed' : 'rolled_back'
      await end(outcome, `interrupted${ran(progress) ? `: ${ran(progress)}` : ''}`).catch(() => {})
      throw new StepInterrupted(outcome, ran(progress))
    }
    if (isConnectionLost(error) || failure?.unknown)
      return lostConnection(step, c, { transactional, partial, message, progress, end, elapsed, lost: !failure?.unknown })
    const outcome: Outcome = partial ? 'failed' : 'rolled_back'
    await end(outcome, ran(progress) ? `${message} (${ran(progress)})` : message).catch(() => {})
    if (error instanceof MigError) throw error
    throw migrationFailed(step, direction, message, failure, { partial, kept: ran(progress) })
  }
  const durationMs = inTransaction ?? elapsed()
  if (inTransaction === undefined) await end('ok', null)
  options.onEvent?.({ type: 'done', step, direction, durationMs })
  return { project: project.name, id: m.id, name: m.name, direction, durationMs }
}

/**
 * Whether the step runs in a transaction, as its adapter says. Asking loads
 * the migration's file (a tool's module): a file that fails to load is the
 * step's own failure, before anything of it ran.
 */
async function isTransactional(session: Session, step: Step, direction: Direction, wasFailed: boolean): Promise<boolean> {
  if (!session.transactional) return session.target.dialect !== 'mysql'
  return session.transactional(step.migration, direction).catch((error: unknown) => {
    if (error instanceof MigError) throw error
    throw migrationFailed(step, direction, redact(errorMessage(error)), undefined, { partial: wasFailed, kept: undefined })
  })
}

/**
 * The projects whose steps this run applies in one transaction (`--atomic`,
 * or `"atomic": true` in mig.config), after checking it can: a dialect with
 * transactional DDL, an adapter with upAtomic, no other project's steps on
 * the database, every migration transactional and none left half-applied
 * by an earlier run. Refused before anything runs.
 */
async function atomicProjects(
  ws: Workspace,
  steps: Step[],
  sessions: Map<string, Session>,
  options: LifecycleOptions,
  failed: ReadonlySet<string>,
): Promise<Set<string>> {
  const atomic = new Set<string>()
  if (options.direction !== 'up') return atomic
  const configured = new Set((ws.config.config.projects ?? []).filter((p) => p.atomic).map((p) => p.name))
  const why = options.atomic ? '--atomic' : '"atomic": true in mig.config'
  const no = 'nothing was applied'
  for (const step of steps) {
    const { project } = step
    if (atomic.has(project.name) || !(options.atomic || configured.has(project.name))) continue
    const session = sessions.get(project.name)!
    const target = session.target
    if (target.dialect === 'mysql')
      throw new MigError(
        'ATOMIC_UNSUPPORTED',
        `${project.name}: ${why} needs transactional DDL, and ${target.display} is MySQL/MariaDB, whose DDL commits by itself`,
        `run \`mig up\` without --atomic (one transaction per migration, where the dialect allows); ${no}`,
      )
    if (!session.upAtomic)
      throw new MigError(
        'ATOMIC_UNSUPPORTED',
        `${project.name}: the ${project.tool} adapter cannot apply a run in one transaction on ${target.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} (${why})`,
        `run \`mig up\` without --atomic; ${no}`,
      )
    const other = steps.find((s) => s.project !== project && sessions.get(s.project.name)!.target.key === target.key)
    if (other)
      throw new MigError(
        'ATOMIC_SHARED_DATABASE',
        `${why} applies one project's migrations per transaction, and ${project.name} and ${other.project.name} both have pending migrations on ${target.display}`,
        `pick one with --project; ${no}`,
      )
    // A rollback cannot undo what its earlier run left behind: journaling it rolled_back would hide that.
    const half = steps.find((s) => s.project === project && failed.has(key(project.name, s.migration.id)))
    if (half)
      throw new MigError(
        'ATOMIC_FAILED_MIGRATION',
        `${project.name}: ${half.migration.id} failed partway in an earlier run, so ${why} could not roll all of it back`,
        `apply it without --atomic (\`mig up --to ${half.migration.id} --allow-drift\`) once its leftovers are dealt with, then the rest; ${no}`,
      )
    for (const s of steps.filter((s) => s.project === project))
      if (!(await isTransactional(session, s, 'up', false)))
        throw new MigError(
          'ATOMIC_NO_TRANSACTION',
          `${project.name}: ${s.migration.id} runs outside a transaction (its own opt-out or the project's settings), so ${why} cannot cover it`,
          `apply the migrations up to it without --atomic (\`mig up --to ${s.migration.id}\`), then the rest; ${no}`,
        )
    atomic.add(project.name)
  }
  return atomic
}

/**
 * `--atomic`: one project's steps in one transaction (Session.upAtomic),
 * each migration's journal row with it. A failure or an interrupt rolls the
 * whole block back, and the journal says so for every migration it started.
 */
async function runAtomic(steps: Step[], c: StepContext, onStart: (step: Step) => void): Promise<Applied[]> {
  const { session, options } = c
  const checksums = new Map<Migration, string | null>()
  const cache = checksumCache(steps[0]!.project.dir)
  for (const s of steps) checksums.set(s.migration, s.migration.files.length ? cache.of(s.migration.files) : null)
  cache.save()
  const started: { step: Step; entry: JournalEntry; at: number; durationMs?: number }[] = []
  // Looked up once a migration: a scan of the steps each time was quadratic (~30 ms at 1000).
  const byMigration = new Map(steps.map((s) => [s.migration, s]))
  const byId = new Map(steps.map((s) => [s.migration.id, s]))
  const options_ = (m: Migration): RunOptions & { journal: JournalHook } => {
    const step = byMigration.get(m) ?? byId.get(m.id)!
    onStart(step)
    options.onEvent?.({ type: 'start', step, direction: 'up' })
    const at = Date.now()
    const entry: JournalEntry = {
      project: step.project.name,
      tool: step.project.tool,
      migration: m.id,
      direction: 'up',
      checksum: checksums.get(step.migration) ?? null,
      actor: actor(),
      startedAt: new Date(at).toISOString(),
      durationMs: 0,
      outcome: 'ok',
      error: null,
      backupId: c.backupId,
      note: c.note,
    }
    const s: (typeof started)[number] = { step, entry, at }
    started.push(s)
    return {
      transaction: 'auto',
      signal: c.signal,
      journal: {
        statement: () => {
          s.durationMs = Date.now() - at
          return journalInsertSql(session.target.dialect, { ...entry, durationMs: s.durationMs }, c.journal.table)
        },
      },
    }
  }
  // One after another: a write whose connection died opens the next one, which the others must not race to replace.
  const journal = async (outcome: Outcome, error: (s: (typeof started)[number], last: boolean) => string | null): Promise<void> => {
    for (const [i, s] of started.entries())
      await c.journal
        .write((db) =>
          recordJournalAgain(db, {
            ...s.entry,
            durationMs: s.durationMs ?? Date.now() - s.at,
            outcome,
            error: error(s, i === started.length - 1),
          }),
        )
        .catch(() => {})
  }
  try {
    await session.upAtomic!({ migrations: steps.map((s) => s.migration), options: options_, signal: c.signal })
  } catch (error) {
    const last = started.at(-1)
    const message = redact(errorMessage(error))
    const whole = `rolled back with the whole --atomic run`
    if (c.signal.aborted) {
      await journal('rolled_back', () => `interrupted; ${whole}`)
      throw new StepInterrupted('rolled_back', undefined)
    }
    if (!last) throw error
    if (isConnectionLost(error)) {
      const truth = await rereadLedger(c.ws, last.step.project, last.step.migration, 'up')
      const where = `${last.step.project.name}: the connection to ${session.target.display} was lost while applying ${last.step.migration.id} with --atomic (${oneLine(message)})`
      if (truth === 'done') {
        await journal('ok', () => null)
        throw new MigError(
          'CONNECTION_LOST',
          `${where}; read again on a new connection, its ledger shows the run applied (journaled ok)`,
          'run `mig up` to go on',
        )
      }
      if (truth === 'not-done') {
        await journal('rolled_back', () => `connection lost; ${whole}`)
        throw new MigError(
          'CONNECTION_LOST',
          `${where}; read again on a new connection, its ledger shows the run not applied: its transaction did not commit`,
          'nothing of the run was kept; run `mig up --atomic` again once the connection is steady',
        )
      }
      throw new MigError(
        'CONNECTION_LOST',
        `${where}; its ledger could not be read again, so whether the run committed is not known`,
        'check `mig status` and `mig log` before going on',
      )
    }
    await journal('rolled_back', (s, isLast) => (isLast ? message : `${whole}: ${last.step.migration.id} failed`))
    if (error instanceof MigError) throw error
    const failure = error instanceof MigrationFailure ? error : undefined
    const statement = failure?.statement ? oneLine(failure.statement) : undefined
    const n = started.length - 1
    return Promise.reject(
      new MigError(
        'MIGRATION_FAILED',
        `${last.step.project.name}: applying ${last.step.migration.id} failed: ${oneLine(message)}; --atomic rolled back the whole run${n ? ` (and the ${n} migration${n === 1 ? '' : 's'} before it)` : ''}`,
        'nothing of the run was kept; fix the migration and run `mig up --atomic` again',
        { details: statement ? [`statement: ${statement}`] : [] },
      ),
    )
  }
  // An adapter that did not run a journal statement leaves the row to core.
  for (const s of started)
    if (s.durationMs === undefined) await c.journal.write((db) => recordJournal(db, { ...s.entry, durationMs: Date.now() - s.at }))
  return started.map(({ step, durationMs }) => {
    options.onEvent?.({ type: 'done', step, direction: 'up', durationMs: durationMs ?? 0 })
    return { project: step.project.name, id: step.migration.id, name: step.migration.name, direction: 'up', durationMs: durationMs ?? 0 }
  })
}

/**
 * The connection died under the step: whether it took effect is not known
 * (its COMMIT may have reached the server with the reply lost), so the tool's
 * ledger is read again on a new connection and the journal says what it
 * shows. The run stops either way.
 */
async function lostConnection(
  step: Step,
  c: StepContext,
  s: {
    transactional: boolean
    partial: boolean
    message: string
    progress: { done: number; total: number } | undefined
    end(outcome: Outcome, error: string | null): Promise<void>
    elapsed(): number
    /** The connection died (else the adapter could not tell whether its COMMIT ran: MigrationFailure.unknown). */
    lost: boolean
  },
): Promise<never> {
  const { project, migration: m } = step
  const direction = c.options.direction
  const doing = `${direction === 'up' ? 'applying' : 'reverting'} ${m.id}`
  const where = s.lost
    ? `${project.name}: the connection to ${c.session.target.display} was lost while ${doing} (${oneLine(s.message)})`
    : `${project.name}: ${doing} failed where its COMMIT may have run (${oneLine(s.message)})`
  const truth = await rereadLedger(c.ws, project, m, direction)
  const code = s.lost ? 'CONNECTION_LOST' : 'COMMIT_UNKNOWN'
  const cause = s.lost ? 'connection lost' : 'whether its COMMIT ran was not known'
  const done = direction === 'up' ? 'applied' : 'reverted'
  if (truth === 'done') {
    await s.end('ok', null).catch(() => {})
    c.options.onEvent?.({ type: 'done', step, direction, durationMs: s.elapsed() })
    throw new MigError(
      code,
      `${where}; read again on a new connection, its ledger shows it ${done} (journaled ok)`,
      `nothing after it ran; run \`mig ${direction}\` to go on`,
    )
  }
  if (truth === 'not-done' && !s.partial && s.transactional) {
    await s.end('rolled_back', `${cause}; the ledger read again shows it not ${done}`).catch(() => {})
    throw new MigError(
      code,
      `${where}; read again on a new connection, its ledger shows it not ${done}: its transaction did not commit`,
      `nothing of it was kept; run \`mig ${direction}\` again${s.lost ? ' once the connection is steady' : ''}`,
    )
  }
  const known =
    truth === 'unknown'
      ? 'its ledger could not be read again'
      : `its ledger, read again, shows it not ${done}, and no transaction covered it`
  await s.end('failed', `${cause}; ${known}${ran(s.progress) ? `; ${ran(s.progress)}` : ''}`).catch(() => {})
  throw new MigError(
    code,
    `${where}; ${known}${ran(s.progress) ? ` (${ran(s.progress)})` : ''}: the database may hold part of it`,
    resolveHint(m.id, direction),
  )
}

const resolveHint = (id: string, direction: Direction): string =>
  `check the database: finish it by hand and run \`mig resolve ${id} --applied\`, or undo what it did and run \`mig resolve ${id} --rolled-back\`; then \`mig ${direction}\` goes on`

/** The run so far, carried by the error that stopped it. */
function withResult(error: unknown, result: RunResult): unknown {
  if (!(error instanceof MigError)) return error
  error.result = { ...result }
  return error
}

const soFar = (result: RunResult): string => {
  const n = result.migrations.length
  const verb = result.direction === 'up' ? 'applied' : 'reverted'
  return n
    ? `${n} migration${n === 1 ? ' was' : 's were'} ${verb} before (${result.migrations.map((a) => `${a.project} ${a.id}`).join(', ')})`
    : `no migration was ${verb} before`
}

function lockLost(database: string, result: RunResult): MigError {
  const n = result.migrations.length
  const verb = result.direction === 'up' ? 'applied' : 'reverted'
  return new MigError(
    'LOCK_LOST',
    `lost the migration lock on ${database}; ${n} migration${n === 1 ? ' was' : 's were'} ${verb} before, nothing after`,
    `its connection died (killed, or the link cut), so another run may hold it now: check \`mig status\`, then run \`mig ${result.direction}\` again`,
  )
}

function interrupted(
  signal: NodeJS.Signals | undefined,
  result: RunResult,
  stopped: { step: Step; outcome: Outcome; kept: string | undefined } | undefined,
): MigError {
  const name = `${signal ?? 'SIGINT'}`
  const exit = signalExit(signal)
  if (!stopped)
    return new MigError(
      'INTERRUPTED',
      `interrupted (${name}): ${soFar(result)}; nothing after`,
      `run \`mig ${result.direction}\` to go on`,
      { exit },
    )
  const { project, migration: m } = stopped.step
  const what =
    stopped.outcome === 'failed'
      ? `${project.name} ${m.id} stopped partway${stopped.kept ? ` (${stopped.kept})` : ''}: no transaction covered it, so part of it is in the database`
      : `${project.name} ${m.id} was rolled back`
  const hint = stopped.outcome === 'failed' ? resolveHint(m.id, result.direction) : `run \`mig ${result.direction}\` to go on`
  return new MigError('INTERRUPTED', `interrupted (${name}): ${soFar(result)}; ${what}; nothing after it ran`, hint, { exit })
}

function migrationFailed(
  step: Step,
  direction: Direction,
  message: string,
  failure: MigrationFailure | undefined,
  left: { partial: boolean; kept: string | undefined },
): MigError {
  const statement = failure?.statement ? oneLine(failure.statement) : undefined
  const where = `${step.project.name}: ${direction === 'up' ? 'applying' : 'reverting'} ${step.migration.id} failed: ${oneLine(message)}${left.kept ? ` (${left.kept})` : ''}`
  const hint = left.partial
    ? `part of it may be applied (no transaction covered it, or an earlier run left part); ${resolveHint(step.migration.id, direction)}`
    : `nothing of it was kept; fix the migration and run \`mig ${direction}\` again`
  return new MigError('MIGRATION_FAILED', where, hint, { details: statement ? [`statement: ${statement}`] : [] })
}

const oneLine = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat
}

/**
 * The steps a run would take, without taking a lock or writing anything:
 * `--dry-run`. A SQLite file that does not exist yet is not created.
 */
export async function dryRun(
  ws: Workspace,
  options: Pick<LifecycleOptions, 'direction' | 'selection' | 'allowDrift' | 'strict'>,
): Promise<Step[]> {
  for (const p of ws.projects) requireAdapter(p)
  const sessions = await openSessions({ ...ws, readOnly: true }, ws.projects)
  const dbs = new Map<string, Db>()
  try {
    for (const s of sessions.values()) if (!dbs.has(s.target.key)) dbs.set(s.target.key, await connectExisting(s.target))
    return (await select(ws.projects, sessions, dbs, options)).steps
  } finally {
    await closeAll(dbs.values())
    await closeAll(sessions.values())
  }
}

/** Each project's journal entries, oldest first, with their database and position in its journal. */
export type Journals = Map<string, { database: string; n: number; entry: JournalEntry }[]>

async function select(
  projects: Project[],
  sessions: Map<string, Session>,
  dbs: Map<string, Db>,
  options: Pick<LifecycleOptions, 'direction' | 'selection' | 'allowDrift' | 'strict' | 'onEvent'>,
): Promise<{ steps: Step[]; journals: Journals; problems: Problem[]; failed: Set<string> }> {
  const lists = new Map<string, Migration[]>()
  for (const p of projects) lists.set(p.name, await sessions.get(p.name)!.list())
  const journals: Journals = new Map(projects.map((p) => [p.name, []]))
  for (const db of dbs.values()) {
    const names = projects.filter((p) => sessions.get(p.name)!.target.key === db.target.key).map((p) => p.name)
    const entries = await readJournal(db, names)
    entries.forEach((entry, n) => journals.get(entry.project)!.push({ database: db.target.key, n, entry }))
  }
  const steps = plan(projects, lists, journals, options)
  if (options.direction === 'down') {
    const irreversible = steps.find((s) => !s.migration.reversible)
    if (irreversible) throw noDown(irreversible)
  }
  const empty = steps.filter((s) => emptyFile(s.migration, options.direction))
  if (empty.length) {
    if (options.strict) throw emptyRefused(empty, options.direction)
    options.onEvent?.({ type: 'empty', steps: empty, direction: options.direction })
  }
  const failed = failedByJournal(journals, lists)
  // Always, even with nothing to run: "nothing to apply" over a half-done migration would be a false all-clear.
  const problems = await validate(projects, lists, journals, failed)
  if (problems.length) {
    if (!options.allowDrift) throw stopped(problems, options.direction)
    options.onEvent?.({ type: 'drift-allowed', problems })
  }
  return { steps, journals, problems, failed }
}

/**
 * Flyway's validate: an applied migration whose files changed since it was
 * applied or are gone, or one that failed partway on its last run (the
 * database may hold part of it), stops up and down before anything runs.
 * A failure the tool itself records (Prisma's failed row) is the adapter's
 * to refuse, with the tool's own words and way out (`mig down` runs its
 * down.sql), so it is not repeated here.
 */
async function validate(projects: Project[], lists: Map<string, Migration[]>, journals: Journals, failed: Set<string>): Promise<Problem[]> {
  const problems: Problem[] = []
  for (const p of projects) {
    const recorded = appliedChecksums(
      (journals.get(p.name) ?? []).map((j) => j.entry),
      p.name,
    )
    const sums = checksumCache(p.dir)
    for (const m of lists.get(p.name) ?? []) {
      const sum = recorded.get(m.id)
      const checksum = m.state === 'applied' && sum && m.files.length ? sums.of(m.files) : undefined
      if (m.state === 'missing') problems.push({ project: p.name, id: m.id, kind: 'missing' })
      else if (hasDrift(m, sum, checksum)) problems.push({ project: p.name, id: m.id, kind: 'drift' })
      else if (failed.has(key(p.name, m.id))) problems.push({ project: p.name, id: m.id, kind: 'failed' })
    }
    sums.save()
  }
  return problems
}

const problemText: Record<Problem['kind'], string> = {
  drift: 'is applied, and its files changed since',
  missing: 'is applied, and its files are gone',
  failed: 'failed partway on its last run: the database may hold part of it',
}

export const describeProblem = (p: Problem): string => `${p.project} ${p.id} ${problemText[p.kind]}`

function stopped(problems: Problem[], direction: Direction): MigError {
  const [first] = problems
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''
  const hints = [
    problems.some((p) => p.kind !== 'failed') &&
      'restore the files as they were applied (e.g. from git) or write a new migration for the change',
    problems.some((p) => p.kind === 'failed') &&
      `finish or undo ${problems.find((p) => p.kind === 'failed')!.id} by hand, then \`mig resolve ${problems.find((p) => p.kind === 'failed')!.id} --applied\` or \`--rolled-back\``,
    `or pass --allow-drift to ${direction === 'up' ? 'apply' : 'revert'} anyway (journaled); nothing was ${direction === 'up' ? 'applied' : 'reverted'}`,
  ].filter(Boolean)
  return new MigError('DRIFT', `${describeProblem(first!)}${more}: mig ${direction} stops before anything runs`, hints.join('; '), {
    details: problems.length > 1 ? problems.map(describeProblem) : [],
  })
}

/**
 * The file a step runs — the first of a migration's files for up (`.up.sql`,
 * `migration.sql`, the one JS/TS file), the second for down when there is
 * one — holds nothing but white space and SQL comments.
 */
function emptyFile(m: Migration, direction: Direction): string | undefined {
  const file = direction === 'up' ? m.files[0] : (m.files[1] ?? m.files[0])
  if (!file) return undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const code = file.endsWith('.sql') ? text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '') : text
  return code.trim() ? undefined : file
}

export const emptyText = (s: Step, direction: Direction): string =>
  `${s.project.name} ${s.migration.id}: ${basename(emptyFile(s.migration, direction) ?? '')} is empty, so ${direction === 'up' ? 'applying' : 'reverting'} it changes nothing`

function emptyRefused(steps: Step[], direction: Direction): MigError {
  return new MigError(
    'EMPTY_MIGRATION',
    `${emptyText(steps[0]!, direction)}${steps.length > 1 ? ` (and ${steps.length - 1} more)` : ''}; --strict refuses it`,
    `write the migration, or delete it; nothing was ${direction === 'up' ? 'applied' : 'reverted'}`,
  )
}

/**
 * Migrations the journal says failed partway (an up, or a down), by
 * journaledState: validate stops on them, and a retry that fails stays
 * failed. Read under the lock, so a `running` row's run is gone.
 */
function failedByJournal(journals: Journals, lists: Map<string, Migration[]>): Set<string> {
  const failed = new Set<string>()
  for (const [project, entries] of journals) {
    const latest = latestByMigration(
      entries.map((j) => j.entry),
      project,
    )
    // Only what the journal adds: a failure the tool's own ledger records (Prisma's) is the adapter's to handle.
    for (const m of lists.get(project) ?? [])
      if (m.state !== 'failed' && journaledState(m.state, latest.get(m.id), true) === 'failed') failed.add(key(project, m.id))
  }
  return failed
}

/** The steps a run takes, from the projects' lists (read under the lock) and their journals: pure, so the rules are tested without a database. */
export function plan(
  projects: Project[],
  lists: Map<string, Migration[]>,
  journals: Journals,
  options: Pick<LifecycleOptions, 'direction' | 'selection'>,
): Step[] {
  const { direction, selection } = options
  const byName = new Map(projects.map((p) => [p.name, p]))
  const candidates = (p: Project): Migration[] => {
    const list = lists.get(p.name) ?? []
    return direction === 'up'
      ? list.filter((m) => m.state === 'pending')
      : list.filter((m) => m.state === 'applied' || m.state === 'missing' || m.state === 'failed').reverse()
  }
  const times = direction === 'down' ? appliedTimes(projects, lists, journals) : new Map<string, AppliedTime>()
  const withTime = ({ project, migration }: Step): Step => {
    const time = times.get(key(project.name, migration.id))
    return { project, migration, ...(time ? { appliedAt: new Date(time.from).toISOString() } : {}) }
  }
  const fromPlaced = ({ project, migration }: Placed): Step => ({ project: byName.get(project)!, migration })
  if (selection.kind === 'to') return planTo(projects, lists, candidates, selection.id, direction).map(withTime)
  if (selection.kind === 'batch') return planBatch(projects, candidates).map(withTime)
  const limit = selection.kind === 'one' ? 1 : selection.kind === 'step' ? selection.n : Infinity
  const queues = projects.map((p) => ({ project: p.name, items: candidates(p) }))
  if (direction === 'up') return mergeQueues(queues).slice(0, limit).map(fromPlaced)
  const merged = mergeApplied(queues, (p) => times.get(key(p.project, p.migration.id)), limit)
  if (merged.unknown) throw orderUnknown(merged.unknown)
  return merged.steps.map(fromPlaced).map(withTime)
}

const key = (project: string, id: string): string => `${project}\0${id}`

/**
 * When each applied migration was applied: mig's journal (its last
 * successful up, not cancelled by a later down), else the tool's own ledger
 * time (`Migration.appliedAt`: knex's migration_time, Prisma's finished_at,
 * mig_sql_migrations.applied_at). A ledger time later than the end of the
 * journal's row means the migration was applied again outside mig, so the
 * ledger wins then. Times from different databases are compared as they are:
 * the journal and these ledgers are all written with the clock of the host
 * that ran the migration (`new Date()` in mig, knex, the Prisma adapter), so
 * they agree as long as those hosts' clocks do.
 */
function appliedTimes(projects: Project[], lists: Map<string, Migration[]>, journals: Journals): Map<string, AppliedTime> {
  const times = new Map<string, AppliedTime>()
  for (const p of projects) {
    const journaled = new Map<string, AppliedTime & { end: number }>()
    for (const { database, n, entry: e } of journals.get(p.name) ?? []) {
      const at = Date.parse(e.startedAt)
      if (e.direction === 'up' && e.outcome !== 'rolled_back' && !Number.isNaN(at))
        journaled.set(e.migration, { from: at, to: at, end: at + e.durationMs, seq: { database, n } })
      else if (e.direction === 'down' && e.outcome === 'ok') journaled.delete(e.migration)
    }
    for (const m of lists.get(p.name) ?? []) {
      if (m.state === 'pending') continue
      const journal = journaled.get(m.id)
      const ledger = ledgerTime(m.appliedAt)
      const time = journal && !(ledger && ledger.from > journal.end) ? { from: journal.from, to: journal.to, seq: journal.seq } : ledger
      if (time) times.set(key(p.name, m.id), time)
    }
  }
  return times
}

/** A ledger's time; one with no milliseconds may have been cut to the second (knex's TIMESTAMP on MySQL), so it stands for that whole second. */
function ledgerTime(appliedAt: string | undefined): AppliedTime | undefined {
  const at = appliedAt ? Date.parse(appliedAt) : NaN
  if (Number.isNaN(at)) return undefined
  return { from: at, to: at % 1000 === 0 ? at + 999 : at }
}

function orderUnknown({ candidates, untimed }: UnknownOrder): MigError {
  const names = (list: Placed[]) => list.map((c) => `${c.project} ${c.migration.id}`).join(', ')
  const why = untimed.length
    ? `${names(untimed)} ${untimed.length === 1 ? 'has' : 'have'} no recorded apply time (applied outside mig, by a tool whose ledger keeps none)`
    : `${names(candidates)} were applied too close together to tell apart`
  return new MigError(
    'DOWN_ORDER_UNKNOWN',
    `cannot tell which migration was applied last: ${why}`,
    `revert one project at a time with --project: ${candidates.map((c) => c.project).join(', ')}; nothing was reverted`,
  )
}

function planTo(
  projects: Project[],
  lists: Map<string, Migration[]>,
  candidates: (p: Project) => Migration[],
  id: string,
  direction: Direction,
): Step[] {
  const owners = projects.filter((p) => (lists.get(p.name) ?? []).some((m) => m.id === id || stripExt(m.id) === id))
  if (owners.length === 0) {
    throw usageError(
      'MIGRATION_UNKNOWN',
      `no migration "${id}" in ${projects.length === 1 ? `project ${projects[0]!.name}` : 'the selected projects'}`,
      'run `mig status` to see migration ids',
    )
  }
  if (owners.length > 1) {
    throw usageError(
      'MIGRATION_AMBIGUOUS',
      `migration "${id}" exists in several projects: ${owners.map((p) => p.name).join(', ')}`,
      'pick one with --project',
    )
  }
  const project = owners[0]!
  const list = lists.get(project.name) ?? []
  const target = list.find((m) => m.id === id || stripExt(m.id) === id)!
  const queue = candidates(project)
  if (direction === 'up') {
    if (target.state === 'applied') return []
    const index = queue.indexOf(target)
    return queue.slice(0, index + 1).map((migration) => ({ project, migration }))
  }
  // Applied with its files gone is still applied: noDown then says why it cannot be reverted.
  if (target.state !== 'applied' && target.state !== 'missing') {
    throw usageError(
      'MIGRATION_NOT_APPLIED',
      `${project.name}: ${target.id} is not applied, so there is nothing to revert down to`,
      'run `mig status` to see what is applied',
    )
  }
  const index = queue.indexOf(target)
  return queue.slice(0, index).map((migration) => ({ project, migration }))
}

/** The last batch of the one selected project that records batches, newest first. */
function planBatch(projects: Project[], candidates: (p: Project) => Migration[]): Step[] {
  const batched = projects.filter((p) => candidates(p).some((m) => m.batch !== undefined))
  if (batched.length !== 1) {
    throw usageError(
      'BATCH_PROJECT',
      batched.length
        ? `--batch needs one project, and ${batched.map((p) => p.name).join(', ')} all have batches`
        : 'nothing to revert by batch: no selected project has applied migrations in batches',
      batched.length ? 'pick one with --project' : '--batch works with tools that record batches (knex); use --step or --to otherwise',
    )
  }
  const project = batched[0]!
  const applied = candidates(project)
  const last = Math.max(...applied.map((m) => m.batch ?? -Infinity))
  return applied.filter((m) => m.batch === last).map((migration) => ({ project, migration }))
}

const stripExt = (id: string): string => id.replace(/\.(js|cjs|mjs|ts)$/, '')

function noDown(step: Step): MigError {
  const { project, migration: m } = step
  return m.state === 'missing'
    ? new MigError(
        'MIGRATION_FILES_MISSING',
        `${project.name}: ${m.id} is applied but its files are gone, so it cannot be reverted`,
        'restore its files (e.g. from git); nothing was reverted',
      )
    : new MigError(
        'NO_DOWN',
        `${project.name}: ${m.id} has no down migration, so it cannot be reverted`,
        `${m.irreversibleHint ?? 'write its down migration first'}; nothing was reverted`,
      )
}
