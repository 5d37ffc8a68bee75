import { bytes } from '../output/table.js'
import { dryRunJson, dryRunText, progress, runJson, summary } from '../output/run-output.js'
import { backup } from './backup.js'
import { type Selection, dryRun, run } from './lifecycle.js'
import { describeHolder } from './lock/index.js'
import { type CommandIo, type FleetFlags, commandWorkspace, hasFleetFlags, isFleet, lockTimeoutMs } from './command-workspace.js'
import type { CollectedAdapters } from './verify-adapter.js'
import type { Workspace } from './workspace.js'

/**
 * The release routine's commands (up, down, backup) as core functions, run by
 * their oclif commands and by the fast dispatcher alike (src/fast-status.ts).
 */

interface RunFlags extends FleetFlags {
  step?: number
  to?: string
  backup?: boolean
  'dry-run'?: boolean
  'lock-timeout'?: number
  'allow-shared-url'?: boolean
  'allow-drift'?: boolean
  strict?: boolean
}

export interface UpFlags extends RunFlags {
  one?: boolean
  atomic?: boolean
}

export interface DownFlags extends RunFlags {
  batch?: boolean
  all?: boolean
  yes?: boolean
}

export async function runUp(flags: UpFlags, { adapters }: CollectedAdapters, io: CommandIo): Promise<number> {
  const { one, step, to } = flags
  const selection: Selection = one ? { kind: 'one' } : step ? { kind: 'step', n: step } : to ? { kind: 'to', id: to } : { kind: 'all' }
  return runMigrations(
    'up',
    selection,
    flags,
    await commandWorkspace(flags, adapters, false, io.note),
    io,
    !flags.json && selection.kind === 'one',
  )
}

export async function runDown(flags: DownFlags, { adapters }: CollectedAdapters, io: CommandIo): Promise<number> {
  const { step, to, all, batch } = flags
  const selection: Selection = all
    ? { kind: 'all' }
    : batch
      ? { kind: 'batch' }
      : step
        ? { kind: 'step', n: step }
        : to
          ? { kind: 'to', id: to }
          : { kind: 'one' }
  const ws = await commandWorkspace(flags, adapters, false, io.note)
  if (all && !flags.yes && !flags['dry-run']) {
    // A fleet's project is every target the flags select: the question says so.
    const which = [
      flags.targets?.length ? `targets ${flags.targets.join(',')}` : 'every target',
      ...(flags.match !== undefined ? [`matching ${flags.match}`] : []),
      ...(flags.shard !== undefined ? [`in shard ${flags.shard}`] : []),
    ].join(' ')
    const names = ws.projects.map((p) => (p.targets !== undefined ? `${p.name} (${which})` : p.name)).join(', ')
    if (!(await io.confirm(`Revert EVERY applied migration of ${names}?`, '--yes'))) {
      io.out('Nothing reverted.')
      return 0
    }
  }
  return runMigrations('down', selection, flags, ws, io, !flags.json)
}

async function runMigrations(
  direction: 'up' | 'down',
  selection: Selection,
  flags: RunFlags,
  ws: Workspace,
  io: CommandIo,
  announce: boolean,
): Promise<number> {
  if (isFleet(ws)) {
    const { fleetMigrate } = await import('../fleet/commands.js')
    return fleetMigrate(ws, flags, io, { ...runOptions(direction, selection, flags, ws), dryRun: flags['dry-run'] === true })
  }
  if (hasFleetFlags(flags)) (await import('../fleet/commands.js')).refuseFleetFlags(flags)
  if (flags['dry-run']) {
    const steps = await dryRun(ws, { direction, selection, allowDrift: flags['allow-drift'], strict: flags.strict })
    if (flags.json) io.json(dryRunJson(steps, direction))
    else for (const line of dryRunText(steps, direction)) io.out(line)
    return 0
  }
  const result = await run(ws, { ...runOptions(direction, selection, flags, ws), onEvent: progress(io.out, io.note, { announce }) })
  if (flags.json) io.json(runJson(result))
  else io.out(summary(result))
  return 0
}

/** What `mig up`/`down` ask of a run, from their flags and the config: one place for one project and for a fleet. */
function runOptions(direction: 'up' | 'down', selection: Selection, flags: RunFlags, ws: Workspace) {
  return {
    direction,
    selection,
    lockTimeoutMs: lockTimeoutMs(ws, flags['lock-timeout']),
    backup: flags.backup ?? ws.config.config.backup?.before?.includes(direction) ?? false,
    allowSharedUrl: flags['allow-shared-url'],
    allowDrift: flags['allow-drift'],
    strict: flags.strict,
    ...(direction === 'up' && (flags as UpFlags).atomic ? { atomic: true as const } : {}),
  }
}

export async function runBackup(
  flags: FleetFlags & { 'lock-timeout'?: number },
  { adapters }: CollectedAdapters,
  io: CommandIo,
): Promise<number> {
  const ws = await commandWorkspace(flags, adapters, false, io.note)
  if (isFleet(ws)) {
    const { fleetBackup } = await import('../fleet/commands.js')
    return fleetBackup(ws, flags, io, lockTimeoutMs(ws, flags['lock-timeout']))
  }
  if (hasFleetFlags(flags)) (await import('../fleet/commands.js')).refuseFleetFlags(flags)
  const manifests = await backup(ws, {
    lockTimeoutMs: lockTimeoutMs(ws, flags['lock-timeout']),
    onLockWait: (database, holder) => io.note(`waiting for the migration lock on ${database}, held by ${describeHolder(holder)}…`),
    onWarning: (message) => io.note(`warning: ${message}`),
  })
  if (flags.json) io.json({ backups: manifests, exitCode: 0 })
  else for (const m of manifests) io.out(`backed up ${m.database} (${m.projects.join(', ')}) as ${m.id}, ${bytes(m.size)}`)
  return 0
}
