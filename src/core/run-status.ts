import { formatAnnotation, statusAnnotations } from '../output/github.js'
import { renderStatus } from '../output/status-text.js'
import type { CollectedAdapters } from './verify-adapter.js'
import { type CommandIo, type FleetFlags, commandWorkspace, hasFleetFlags, isFleet } from './command-workspace.js'
import { StatusBit, status } from './status.js'
import { usageError } from '../output/errors.js'

/** `mig status`'s flags, as oclif parses them and as the fast dispatcher does from oclif's manifest. */
export interface StatusFlags extends FleetFlags {
  /** `json` is `--json`; `github`: workflow annotations (src/output/github.ts). */
  format?: string
}

/** Where status writes (it never asks); the writer redacts every line and value. */
export type StatusIo = Omit<CommandIo, 'confirm'>

/**
 * `mig status`, whichever way it was started (the oclif command or the fast
 * dispatcher in bin/run.js): its exit code. Plugin failures were reported
 * where the adapters were collected; here they only mean some projects are
 * unseen. Errors throw (MigError), for the caller to report.
 */
export async function runStatus(flags: StatusFlags, { adapters, failures }: CollectedAdapters, io: StatusIo): Promise<number> {
  const ws = await commandWorkspace(flags, adapters, true, io.note)
  const format = flags.json ? 'json' : (flags.format ?? 'text')
  // A fleet (a project with targets) is loaded only when there is one: a plain status stays as light as it was.
  if (isFleet(ws)) {
    const fleet = await import('../fleet/commands.js')
    if (format === 'github') throw usageError('FLEET_FORMAT', '--format github does not cover fleets yet', 'use --json, or the text output')
    const code = await fleet.fleetStatus(ws, flags, io)
    return failures.length ? code | StatusBit.unanswered : code
  }
  if (hasFleetFlags(flags)) (await import('../fleet/commands.js')).refuseFleetFlags(flags)
  const result = await status(ws, { checksums: format === 'json', files: format === 'github' })
  // A plugin that failed to load hides its tool's projects: status cannot say they are clean.
  if (failures.length) result.exitCode |= StatusBit.unanswered
  if (format === 'json') io.json(result)
  else if (format === 'github') for (const a of statusAnnotations(result)) io.out(formatAnnotation(a, ws.root))
  else renderStatus(result, ws.detected, { out: io.out, note: io.note, ...(flags.debug ? { debug: io.note } : {}) }, ws.skipped)
  return result.exitCode
}
