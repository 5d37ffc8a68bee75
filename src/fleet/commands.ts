import { existsSync } from 'node:fs'
import { isatty } from 'node:tty'
import { backupRoot } from '../backup/store.js'
import { backup, trackedBackups } from '../core/backup.js'
import type { CommandIo, FleetFlags } from '../core/command-workspace.js'
import { signalExit } from '../core/interrupt.js'
import { type LifecycleOptions, type RunEvent, dryRun, run } from '../core/lifecycle.js'
import { describeHolder } from '../core/lock/index.js'
import { StatusBit, status } from '../core/status.js'
import type { Workspace } from '../core/workspace.js'
import { usageError } from '../output/errors.js'
import { asMigError } from '../output/report-error.js'
import { startProgress } from '../output/progress.js'
import { type Outcome, runPool } from './pool.js'
import { parseShard, select, targetNames } from './select.js'
import { fleetOutput } from './output.js'
import { type Unit, fleetUnits, unitWorkspace } from './units.js'

/** The default of --concurrency: a few at a time, gentle on a shared server. */
export const defaultConcurrency = 4

/** --targets, --match or --shard where no selected project has targets: a usage error, not a silent full run. */
export function refuseFleetFlags(flags: FleetFlags): void {
  const given = (['targets', 'match', 'shard'] as const).filter((f) => flags[f] !== undefined)
  if (given.length) {
    throw usageError(
      'NOT_A_FLEET',
      `--${given[0]} selects fleet targets, but no selected project declares "targets"`,
      'add "targets" to the project in mig.config.json (README: Fleets), or drop the flag',
    )
  }
}

/** The selected units, after --targets, --match and --shard. */
async function selectedUnits(ws: Workspace, flags: FleetFlags): Promise<Unit[]> {
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined
  const names = targetNames(flags.targets)
  return select(await fleetUnits(ws), {
    ...(names ? { names } : {}),
    ...(flags.match !== undefined ? { match: flags.match } : {}),
    ...(shard ? { shard } : {}),
  })
}

type Work = (unit: Unit, uws: Workspace) => Promise<Omit<Outcome, 'unit' | 'durationMs' | 'database'>>

interface FleetRun {
  ws: Workspace
  flags: FleetFlags
  io: Pick<CommandIo, 'out' | 'note' | 'json'>
  /** What the progress line says is going on: "migrating", "reading", "backing up". */
  verb: string
  work: Work
  /** Status: exit bit 1 (unanswered) fails a unit; the other commands: any non-zero exit. */
  fails(outcome: Outcome): boolean
  /** Status's exit code is a bitmap, so the fleet's is the OR of the targets'; the other commands' codes are not bits: the highest wins. */
  bitmap?: boolean
}

/**
 * Run `work` over the fleet and print it: a line per unit as it settles (CI),
 * or a live count and a grid at the end (a terminal), or one JSON object.
 * The exit code is the OR of the units' codes; a signal's when one stopped it.
 */
async function runFleet({ ws, flags, io, verb, work, fails, bitmap }: FleetRun): Promise<number> {
  const units = await selectedUnits(ws, flags)
  const json = flags.json === true
  const grid = !json && isatty(1)
  const output = fleetOutput()
  let running = 0
  let settled = 0
  let failed = 0
  const started = Date.now()
  const progress = json
    ? undefined
    : startProgress(
        () =>
          `${verb} ${settled}/${units.length} targets, ${running} running${failed ? `, ${failed} failed` : ''} (${Math.round((Date.now() - started) / 1000)}s)`,
      )
  // As Flyway does, a schema target's schema is made when missing (src/db), and said.
  const { onSchemaCreated } = await import('../db/schema-events.js')
  const unheard = onSchemaCreated((t) => io.note(`created schema ${t.schema} for ${t.display}`))
  let result
  try {
    result = await runPool(units, {
      concurrency: flags.concurrency ?? defaultConcurrency,
      failFast: flags['fail-fast'] === true,
      fails,
      work: async (unit) => {
        let database: Outcome['database']
        const uws = unitWorkspace(ws, unit, (t) => (database = { dialect: t.dialect, url: t.display }))
        const outcome = await work(unit, uws)
        return { ...outcome, ...(database ? { database } : {}) }
      },
      onStart: () => {
        running++
        progress?.update()
      },
      onSettled: (outcome) => {
        running--
        settled++
        if (fails(outcome)) failed++
        progress?.update()
        if (!json && !grid) for (const line of output.line(outcome)) io.out(line)
      },
    })
  } finally {
    unheard()
    progress?.end()
  }
  const wallMs = Date.now() - started
  let exitCode = result.outcomes.reduce((code, o) => (bitmap ? code | o.exitCode : Math.max(code, o.exitCode)), 0)
  if (result.stopped !== undefined && result.stopped !== 'fail-fast') exitCode = signalExit(result.stopped)
  if (json) io.json(output.json(result, exitCode, wallMs))
  else {
    if (!units.length) io.out(`No target selected${flags.shard !== undefined ? ` in shard ${flags.shard}` : ''}.`)
    else if (grid) for (const line of output.grid(result)) io.out(line)
    else for (const line of output.skippedLines(result)) io.out(line)
    if (units.length) io.out(output.summary(result, wallMs))
  }
  return exitCode
}

const statusState = (code: number): string =>
  code & StatusBit.unanswered
    ? 'error'
    : code & StatusBit.failed
      ? 'failed'
      : code & StatusBit.drift
        ? 'drift'
        : code & StatusBit.locked
          ? 'locked'
          : code & StatusBit.pending
            ? 'pending'
            : 'clean'

/** `mig status` over a fleet: each target's status, and the OR of their bitmaps. */
export async function fleetStatus(ws: Workspace, flags: FleetFlags, io: FleetRun['io']): Promise<number> {
  const code = await runFleet({
    ws,
    flags,
    io,
    verb: 'reading',
    fails: (o) => (o.exitCode & StatusBit.unanswered) !== 0,
    bitmap: true,
    work: async (_unit, uws) => {
      const result = await status(uws, { checksums: flags.json === true, trackedBackups: false })
      const p = result.projects[0]!
      const state = statusState(result.exitCode)
      const count = state === 'pending' ? p.summary?.pending : state === 'clean' ? p.summary?.applied : undefined
      return {
        state,
        exitCode: result.exitCode,
        ...(count !== undefined ? { count } : {}),
        ...(p.error ? { error: p.error } : {}),
        detail: { ...p },
      }
    },
  })
  // Backup files in git: said once for the repository, as a plain status does.
  const dir = backupRoot(ws.config.dir, ws.config.config.backup?.dir)
  const tracked = existsSync(dir) ? trackedBackups(ws.root, dir) : []
  if (tracked.length)
    io.note(
      `Warning: git tracks ${tracked.length} backup file${tracked.length === 1 ? '' : 's'} (full data dumps), e.g. ${tracked[0]}: \`git rm --cached\` them and keep the backup folder in .gitignore`,
    )
  return code
}

export interface FleetRunOptions extends Omit<LifecycleOptions, 'onEvent'> {
  dryRun: boolean
}

/** `mig up` / `mig down` over a fleet: each target under its own lock, as a run of its own. */
export async function fleetMigrate(ws: Workspace, flags: FleetFlags, io: FleetRun['io'], options: FleetRunOptions): Promise<number> {
  const { direction, selection } = options
  const done = direction === 'up' ? 'applied' : 'reverted'
  return runFleet({
    ws,
    flags,
    io,
    verb: options.dryRun ? 'planning' : direction === 'up' ? 'migrating' : 'reverting',
    fails: (o) => o.exitCode !== 0,
    work: async (unit, uws) => {
      if (options.dryRun) {
        const steps = await dryRun(uws, { direction, selection, allowDrift: options.allowDrift, strict: options.strict })
        return {
          state: steps.length ? 'planned' : 'current',
          exitCode: 0,
          count: steps.length,
          detail: { dryRun: true, migrations: steps.map((s) => ({ id: s.migration.id, direction })) },
        }
      }
      try {
        const result = await run(uws, { ...options, onEvent: unitNotes(unit, io.note) })
        const n = result.migrations.length
        return { state: n ? done : 'current', exitCode: 0, count: n, detail: { ...result } }
      } catch (error) {
        const e = asMigError(error)
        const migrations = (e.result as { migrations?: unknown[] } | undefined)?.migrations
        return {
          state: e.code === 'INTERRUPTED' ? 'interrupted' : 'failed',
          exitCode: e.exit,
          ...(migrations ? { count: migrations.length } : {}),
          error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
          detail: { ...e.result },
        }
      }
    },
  })
}

/** What a unit's run says besides its migrations (lock waits, warnings), prefixed with the unit: runs interleave. */
function unitNotes(unit: Unit, note: (line: string) => void) {
  return (event: RunEvent): void => {
    const at = unit.label
    switch (event.type) {
      case 'lock-wait':
        note(`${at}: waiting for the migration lock on ${event.database}, held by ${describeHolder(event.holder)}…`)
        break
      case 'retry-failed':
        note(`${at}: retrying ${event.step.migration.id}, whose last run failed partway`)
        break
      case 'empty':
        for (const step of event.steps) note(`${at}: Warning: ${step.migration.id} is empty`)
        break
      case 'drift-allowed':
        note(`${at}: --allow-drift: going on over ${event.problems.length} problem(s)`)
        break
      case 'backup':
        note(`${at}: backed up ${event.database} as ${event.id}`)
        break
      default:
        break
    }
  }
}

/** `mig backup` over a fleet: one backup per target, under its lock. */
export async function fleetBackup(ws: Workspace, flags: FleetFlags, io: FleetRun['io'], lockTimeoutMs: number): Promise<number> {
  return runFleet({
    ws,
    flags,
    io,
    verb: 'backing up',
    fails: (o) => o.exitCode !== 0,
    work: async (unit, uws) => {
      try {
        const manifests = await backup(uws, {
          lockTimeoutMs,
          onLockWait: (database, holder) =>
            io.note(`${unit.label}: waiting for the migration lock on ${database}, held by ${describeHolder(holder)}…`),
          onWarning: (message) => io.note(`${unit.label}: warning: ${message}`),
        })
        return { state: 'backed-up', exitCode: 0, count: manifests.length, detail: { backups: manifests } }
      } catch (error) {
        const e = asMigError(error)
        return {
          state: 'failed',
          exitCode: e.exit,
          error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
          detail: {},
        }
      }
    },
  })
}
