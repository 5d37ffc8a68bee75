import { ExitCode, MigError } from '../output/errors.js'
import type { CollectedAdapters } from './verify-adapter.js'
import { type Workspace, openWorkspace } from './workspace.js'

// What every command's core function shares (src/core/run-status.ts, run-commands.ts); light, so the fast path stays fast.

/** The global flags every command takes (MigCommand.baseFlags). */
export interface GlobalFlags {
  project?: string[]
  env?: string
  json?: boolean
  config?: string
  cwd?: string
  timeout?: number
  debug?: boolean
}

/** The fleet flags of status, up, down and backup (src/fleet; MigCommand.fleetFlags). */
export interface FleetFlags extends GlobalFlags {
  concurrency?: number
  targets?: string[]
  match?: string
  'fail-fast'?: boolean
  shard?: string
}

/** Does any selected project declare `targets`? Then the command runs as a fleet (src/fleet, loaded only then). */
export const isFleet = (ws: Workspace): boolean => ws.projects.some((p) => p.targets !== undefined)

/** --targets, --match or --shard: given, they need a fleet. */
export const hasFleetFlags = (flags: FleetFlags): boolean =>
  flags.targets !== undefined || flags.match !== undefined || flags.shard !== undefined

/** Where a command writes; `out` is silent with --json, everything is redacted by the writer. */
export interface CommandIo {
  out(line: string): void
  note(line: string): void
  json(value: unknown): void
  /** Ask yes/no on a terminal; refuses without one. */
  confirm(question: string, yesFlag: string): Promise<boolean>
}

/** The workspace a command acts on, refusing an empty one: nothing to act on is a usage error. */
export async function commandWorkspace(
  flags: GlobalFlags,
  adapters: CollectedAdapters['adapters'],
  readOnly: boolean,
  note: (line: string) => void,
): Promise<Workspace> {
  const ws = await openWorkspace({
    cwd: flags.cwd,
    config: flags.config,
    env: flags.env,
    projects: flags.project,
    readOnly,
    ...(flags.timeout !== undefined ? { timeoutSeconds: flags.timeout } : {}),
    adapters,
    warn: (m) => note(m),
  })
  if (!ws.projects.length) throw noProjects(ws.root)
  return ws
}

export const lockTimeoutMs = (ws: Workspace, flag: number | undefined): number =>
  (flag ?? ws.config.config.lock?.timeoutSeconds ?? 30) * 1000

/** Nothing to act on: mig was run outside the repository, or the repository has no migrations yet. */
export const noProjects = (root: string): MigError =>
  new MigError(
    'NO_PROJECTS',
    'no projects found',
    `looked in ${root}: pass --cwd <repository root>, or list the projects in mig.config.json (\`mig init\` writes it)`,
    { exit: ExitCode.usage },
  )
