import * as Args from '@oclif/core/args'
import type { Command } from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { type ResolveRequest, resolveMigrations } from '../core/resolve.js'
import { describeHolder } from '../core/lock/index.js'
import { usageError } from '../output/errors.js'
import { resolveJson, resolveLines } from '../output/resolve-output.js'

/** What `mig resolve` and `mig baseline` share: mark under the lock, then print what was marked. */
export abstract class MarkCommand<T extends typeof Command> extends MigCommand<T> {
  protected async mark(request: ResolveRequest, flags: { reason: string | undefined; dryRun: boolean; json: boolean }): Promise<void> {
    const ws = await this.projectsWorkspace()
    const result = await resolveMigrations(ws, {
      request,
      ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
      dryRun: flags.dryRun,
      lockTimeoutMs: this.lockTimeoutMs(ws),
      onLockWait: (database, holder) => this.note(`waiting for the migration lock on ${database}, held by ${describeHolder(holder)}…`),
    })
    if (flags.json) this.printJson(resolveJson(result))
    else for (const line of resolveLines(result)) this.out(line)
  }
}

export default class Resolve extends MarkCommand<typeof Resolve> {
  static override summary = 'Mark a failed or hand-fixed migration applied or rolled back, without running it'
  static override description =
    "Writes the tool's own ledger as the tool would (Prisma's `migrate resolve`, Flyway's `repair`) and journals who and why. --applied --to ID marks every pending migration up to and including ID applied (as `mig baseline`)."
  static override examples = [
    '<%= config.bin %> resolve 002_add_phone --rolled-back --reason "dropped the half-made table by hand"',
    '<%= config.bin %> resolve 002_add_phone --applied --reason "finished by hand"',
    '<%= config.bin %> resolve --applied --to 003_add_index --project billing',
  ]
  static override args = { id: Args.string({ description: 'the migration to mark (as `mig status` names it)' }) }
  static override flags = {
    applied: Flags.boolean({ description: 'record it as applied (its changes are in the database)' }),
    'rolled-back': Flags.boolean({ description: 'clear its failed attempt (its changes are not in the database)' }),
    to: Flags.string({ description: 'with --applied: mark every pending migration up to and including this id' }),
    reason: Flags.string({ description: 'why, recorded in the journal' }),
    'dry-run': Flags.boolean({ description: 'show what would be marked; write nothing' }),
    'lock-timeout': MigCommand.lockTimeoutFlag,
  }

  async run(): Promise<void> {
    const { applied, to } = this.flags
    const rolledBack = this.flags['rolled-back']
    const { id } = this.args
    if (applied === rolledBack)
      throw usageError(
        'RESOLVE_HOW',
        'say how to mark it: exactly one of --applied or --rolled-back',
        'e.g. `mig resolve 002_add_phone --rolled-back --reason "…"`',
      )
    if (to !== undefined && (rolledBack || id !== undefined))
      throw usageError(
        'RESOLVE_TO',
        '--to goes with --applied and no migration id',
        '`mig resolve --applied --to ID` marks every pending migration up to ID',
      )
    if (to === undefined && id === undefined)
      throw usageError('RESOLVE_ID', 'which migration? pass its id (or --applied --to ID)', 'run `mig status` to see migration ids')
    const request: ResolveRequest =
      to !== undefined ? { kind: 'baseline', to } : { kind: 'one', id: id!, as: applied ? 'applied' : 'rolled-back' }
    await this.mark(request, { reason: this.flags.reason, dryRun: this.flags['dry-run'], json: this.flags.json })
  }
}
