import type { Migration, Session } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { connect } from '../db/connect.js'
import { type Snapshot, describeDiff, diffSnapshots, ledgerTables, snapshot } from '../db/snapshot.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'
import { type StepProgress, stepProgress } from '../output/progress.js'
import { openOn, scratchOptions, yieldToSignals } from './plan-run.js'
import { withScratch } from './scratch.js'
import { type Workspace, closeAll, openSessions } from './workspace.js'

export type CheckOutcome =
  /** up, down, up again: down restored the schema and up rebuilt it. */
  | 'ok'
  /** Applied without checks: at or before `--from`. */
  | 'applied'
  /** No down: only its up ran. */
  | 'irreversible'
  /** The schema after down differs from the one before up. */
  | 'not-restored'
  /** Up after down built another schema than the first up. */
  | 'not-repeatable'
  /** up or down threw. */
  | 'failed'

export interface MigrationCheck {
  id: string
  outcome: CheckOutcome
  /** What failed: `up`, `down` or `up again`. */
  step?: 'up' | 'down' | 'up again'
  /** not-restored / not-repeatable: one sentence per difference. */
  differences?: string[]
  /** failed: the error; irreversible: how to make it reversible, when the tool says. */
  message?: string
}

export interface ProjectVerification {
  project: string
  tool: string
  dialect: string
  ok: boolean
  /** In order; a project stops at its first failure, so later migrations are absent. */
  migrations: MigrationCheck[]
}

export interface VerifyResult {
  ok: boolean
  projects: ProjectVerification[]
}

const failing = (c: MigrationCheck): boolean => c.outcome !== 'ok' && c.outcome !== 'applied'

/**
 * `mig verify`: each selected project on its own empty scratch database
 * (projects sharing a database too, so one's migrations never mask
 * another's), through the adapter `up` uses: for each migration, snapshot,
 * up, snapshot, down, snapshot (must equal the first), up again, snapshot
 * (must equal the second). The configured databases are only opened to
 * learn where their servers are.
 */
export async function verify(ws: Workspace, options: { from?: string } = {}): Promise<VerifyResult> {
  const real = await openSessions({ ...ws, readOnly: true }, ws.projects)
  const targets = new Map<string, DatabaseTarget>()
  const ids = new Set<string>()
  try {
    for (const [name, session] of real) {
      targets.set(name, session.target)
      for (const m of await session.list()) ids.add(m.id)
    }
  } finally {
    await closeAll(real.values())
  }
  const { from } = options
  if (from !== undefined && !ids.has(from)) {
    throw new MigError(
      'VERIFY_FROM_UNKNOWN',
      `no selected project has a migration ${from}`,
      'pass one of the ids `mig status` lists, with --project for its project',
    )
  }
  const projects: ProjectVerification[] = []
  for (const project of ws.projects) projects.push(await verifyProject(ws, project, targets.get(project.name)!, from))
  return { ok: projects.every((p) => p.ok), projects }
}

async function verifyProject(
  ws: Workspace,
  project: Project,
  target: DatabaseTarget,
  from: string | undefined,
): Promise<ProjectVerification> {
  const migrations = await withScratch(
    target,
    async (scratch) => {
      const sessions = await openOn(ws, [project], target.key, scratch)
      const db = await connect(scratch).catch(async (error: unknown) => {
        await closeAll(sessions.values())
        throw error
      })
      const shown = stepProgress(`verifying ${project.name}`)
      try {
        return await checkAll(sessions.get(project.name)!, db, from, shown)
      } finally {
        shown.end()
        await closeAll([...sessions.values(), db])
      }
    },
    scratchOptions(ws),
  )
  return { project: project.name, tool: project.tool, dialect: target.dialect, ok: !migrations.some(failing), migrations }
}

async function checkAll(session: Session, db: Db, from: string | undefined, shown: StepProgress): Promise<MigrationCheck[]> {
  const list = await session.list()
  // --from names one project's migration: the other projects are checked whole.
  const start = from === undefined ? 0 : list.findIndex((m) => m.id === from) + 1
  const checks: MigrationCheck[] = []
  // The schema a check ends on is the next one's start: one snapshot fewer per migration.
  let last: Snapshot | undefined
  for (const [i, m] of list.entries()) {
    shown.step(i + 1, list.length, m.id)
    if (i < start) {
      const error = await attempt(() => session.up(m, { transaction: 'auto' }))
      checks.push(error === undefined ? { id: m.id, outcome: 'applied' } : { id: m.id, outcome: 'failed', step: 'up', message: error })
    } else {
      const { check, after } = await checkOne(session, db, m, last)
      checks.push(check)
      last = after
    }
    if (failing(checks.at(-1)!) && checks.at(-1)!.outcome !== 'irreversible') break
  }
  return checks
}

/**
 * The schema, without the ledgers: every tool's default ones and the session's own (a snapshot reads one schema: the table part).
 * `since`: a snapshot of this run whose unchanged parts are reused rather than read again (a whole schema per step made verify quadratic).
 */
const take = (db: Db, session: Session, since?: Snapshot): Promise<Snapshot> =>
  snapshot(db, { exclude: [...ledgerTables, ...(session.ledgerTables ?? []).map((t) => t.split('.').pop()!)], since })

/** undefined when `fn` succeeds; its error's message otherwise. */
async function attempt(fn: () => Promise<void>): Promise<string | undefined> {
  try {
    await yieldToSignals()
    await fn()
    return undefined
  } catch (error) {
    return errorMessage(error)
  }
}

/** snapshot, up, snapshot, down, snapshot = first, up again, snapshot = second; and the schema it ends on. */
async function checkOne(
  session: Session,
  db: Db,
  m: Migration,
  start: Snapshot | undefined,
): Promise<{ check: MigrationCheck; after?: Snapshot }> {
  const before = start ?? (await take(db, session))
  let error = await attempt(() => session.up(m, { transaction: 'auto' }))
  if (error !== undefined) return { check: { id: m.id, outcome: 'failed', step: 'up', message: error } }
  const afterUp = await take(db, session, before)
  if (!m.reversible) return { check: irreversible(m, m.irreversibleHint), after: afterUp }
  // As `down` would find it: applied, per the tool's ledger.
  const applied = (await session.list()).find((x) => x.id === m.id) ?? m
  try {
    await yieldToSignals()
    await session.down(applied, { transaction: 'auto' })
  } catch (thrown) {
    // A down the adapter only finds missing when asked to run it (a knex or sequelize module without one).
    if (thrown instanceof MigError && /(^|_)NO_(DOWN|FUNCTION)$/.test(thrown.code))
      return { check: irreversible(m, thrown.hint ?? thrown.message), after: afterUp }
    return { check: { id: m.id, outcome: 'failed', step: 'down', message: errorMessage(thrown) } }
  }
  // Since `before`: a down that restored it leaves nothing to read again.
  const afterDown = await take(db, session, before)
  const restored = diffSnapshots(before, afterDown)
  if (restored.length)
    return {
      check: { id: m.id, outcome: 'not-restored', differences: describeDiff(restored, { before: 'before up', after: 'after down' }) },
    }
  error = await attempt(() => session.up(m, { transaction: 'auto' }))
  if (error !== undefined) return { check: { id: m.id, outcome: 'failed', step: 'up again', message: error } }
  const again = await take(db, session, afterDown)
  const repeated = diffSnapshots(afterUp, again)
  if (repeated.length)
    return {
      check: {
        id: m.id,
        outcome: 'not-repeatable',
        differences: describeDiff(repeated, { before: 'after the first up', after: 'after up again' }),
      },
    }
  return { check: { id: m.id, outcome: 'ok' }, after: again }
}

const irreversible = (m: Migration, message: string | undefined): MigrationCheck => ({
  id: m.id,
  outcome: 'irreversible',
  ...(message ? { message } : {}),
})
