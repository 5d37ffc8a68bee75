import type { Session } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { ledgerTables } from '../db/snapshot.js'
import type { DatabaseTarget } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'
import { stepProgress } from '../output/progress.js'
import { type Selection, type Step, dryRun } from './lifecycle.js'
import { type ScratchOptions, cloneSchema, withScratch } from './scratch.js'
import { type Workspace, closeAll, openSessions } from './workspace.js'

/**
 * Let a pending SIGINT/SIGTERM be handled (withScratch drops the scratch and
 * exits). On SQLite every step is synchronous underneath its promises, so
 * without this turn of the event loop a signal would wait for the whole run.
 */
export const yieldToSignals = async (): Promise<void> => {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve))
}

/** One migration as `mig plan` ran it on a schema-only copy of its database. */
export interface PlannedMigration {
  project: string
  id: string
  /** Every statement the migration ran, in order, as its adapter captured them. */
  statements: string[]
  /**
   * Indexes into `statements` of those that ran after the migration read
   * the database (a SELECT): their text may depend on data, and the copy
   * has none.
   */
  dataDependent: number[]
  /** The migration failed on the copy: why. Later migrations of its database were not run. */
  error?: string
}

export interface PlanResult {
  /** The selected projects. */
  projects: string[]
  /** In the order `up` would run them. */
  migrations: PlannedMigration[]
}

/** A statement that only reads: what follows it may be built from what it read. */
const reads = /^\s*(\(?\s*select|with|show|pragma|describe|explain)\b/i

/**
 * `mig plan`: what `up` with `selection` would run, statement by statement,
 * found by running it. The pending migrations are picked on the real
 * databases without a lock or a write (`dryRun`); then each database is
 * cloned (schema and ledger rows only) into a scratch database, the projects
 * are opened on the scratch through `OpenContext.database()`, and the
 * migrations run there with capture, through the same adapters `up` uses.
 * The real databases are never written: no lock, no journal, no ledger row.
 */
export async function planRun(ws: Workspace, selection: Selection): Promise<PlanResult> {
  const targets = await targetsOf(ws)
  const steps = await dryRun(ws, { direction: 'up', selection, allowDrift: false })
  const planned = new Map<Step, PlannedMigration>()
  const shown = stepProgress('planning on a copy', steps.length)
  let n = 0
  const onStep = (s: Step): void => shown.step(++n, steps.length, `${s.project.name} ${s.migration.id}`)
  try {
    for (const [key, group] of groupSteps(steps, targets)) {
      const results = await withScratch(
        group.target,
        async (scratch) => {
          await cloneSchema(group.target, scratch, ledgersOf(key, targets.values()))
          return runOnScratch(ws, group.steps, key, scratch, onStep)
        },
        scratchOptions(ws),
      )
      group.steps.forEach((step, i) => results[i] && planned.set(step, results[i]))
    }
  } finally {
    shown.end()
  }
  return { projects: ws.projects.map((p) => p.name), migrations: steps.flatMap((s) => planned.get(s) ?? []) }
}

/** `scratch.url` of mig.config, relative SQLite paths from the repository root. */
export const scratchOptions = (ws: Workspace): ScratchOptions => {
  const url = ws.config.config.scratch?.url
  return url ? { scratchUrl: url, baseDir: ws.root } : {}
}

/** What plan needs of a session once it is closed: its database and the tables its tool keeps its ledger in. */
type Opened = Pick<Session, 'target' | 'ledgerTables'>

/** Each selected project's database and ledger tables, as its adapter names them (opened read-only, then closed). */
async function targetsOf(ws: Workspace): Promise<Map<string, Opened>> {
  const sessions = await openSessions({ ...ws, readOnly: true }, ws.projects)
  try {
    return new Map(
      [...sessions].map(([name, s]) => [name, { target: s.target, ...(s.ledgerTables ? { ledgerTables: s.ledgerTables } : {}) }]),
    )
  } finally {
    await closeAll(sessions.values())
  }
}

/**
 * The ledger tables whose rows a scratch copy of the database `key` needs:
 * every tool's by its default name, and those its sessions name (a knex
 * `tableName`, a TypeORM `migrationsTableName`, …).
 */
export function ledgersOf(key: string, sessions: Iterable<Opened>): string[] {
  const named = [...sessions].filter((s) => s.target.key === key).flatMap((s) => s.ledgerTables ?? [])
  return [...new Set([...ledgerTables, ...named])]
}

/** The steps by database, each group in run order. */
function groupSteps(steps: Step[], targets: Map<string, Opened>): Map<string, { target: DatabaseTarget; steps: Step[] }> {
  const groups = new Map<string, { target: DatabaseTarget; steps: Step[] }>()
  for (const step of steps) {
    const { target } = targets.get(step.project.name)!
    const group = groups.get(target.key) ?? { target, steps: [] }
    group.steps.push(step)
    groups.set(target.key, group)
  }
  return groups
}

/** Open the steps' projects with `key` redirected to `scratch`, and run the steps there in order, capturing; stop at the first failure. */
async function runOnScratch(
  ws: Workspace,
  steps: Step[],
  key: string,
  scratch: DatabaseTarget,
  onStep: (step: Step) => void,
): Promise<PlannedMigration[]> {
  const projects = [...new Set(steps.map((s) => s.project))]
  const sessions = await openOn(ws, projects, key, scratch)
  const out: PlannedMigration[] = []
  try {
    for (const step of steps) {
      onStep(step)
      const planned: PlannedMigration = { project: step.project.name, id: step.migration.id, statements: [], dataDependent: [] }
      out.push(planned)
      let read = false
      const capture = (sql: string): void => {
        if (read) planned.dataDependent.push(planned.statements.length)
        planned.statements.push(sql)
        if (reads.test(sql)) read = true
      }
      try {
        await yieldToSignals()
        await sessions.get(step.project.name)!.up(step.migration, { transaction: 'auto', capture })
      } catch (error) {
        planned.error = errorMessage(error)
        break
      }
    }
  } finally {
    await closeAll(sessions.values())
  }
  return out
}

/**
 * Sessions for `projects` on `scratch` instead of the database whose key is
 * `key`. A session still on the real database means its adapter ignored
 * `OpenContext.database()`: it is closed before it can write anything.
 */
export async function openOn(
  ws: Workspace,
  projects: readonly Project[],
  key: string,
  scratch: DatabaseTarget,
): Promise<Map<string, Session>> {
  const redirect = (target: DatabaseTarget) => (target.key === key ? scratch : undefined)
  const sessions = await openSessions({ ...ws, readOnly: false, redirect }, projects)
  const stuck = projects.find((p) => sessions.get(p.name)!.target.key !== scratch.key)
  if (stuck) {
    await closeAll(sessions.values())
    throw new MigError(
      'SCRATCH_UNSUPPORTED',
      `${stuck.name}: its ${stuck.tool} adapter cannot work on a scratch database yet, so mig cannot plan or verify it without touching the real one`,
      `leave it out with --project, or update the ${stuck.tool} plugin`,
    )
  }
  return sessions
}
