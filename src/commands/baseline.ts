import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { resolveMigrations } from '../core/resolve.js'
import { describeHolder } from '../core/lock/index.js'
import { resolveJson, resolveLines } from '../output/resolve-output.js'

export default class Baseline extends MigCommand<typeof Baseline> {
  static override summary = 'Adopt an existing database: mark pending migrations applied without running them'
  static override description =
    "For a database whose schema already exists (made by hand, or by another tool): writes each pending migration, up to and including --to, into the tool's own ledger as applied, in order, and journals each. The same as `mig resolve --applied --to ID`."
  static override examples = ['<%= config.bin %> baseline --project billing', '<%= config.bin %> baseline --to 003_add_index --dry-run']
  static override flags = {
    to: Flags.string({ description: 'the last migration to mark (default: every pending one of the project)' }),
    reason: Flags.string({ description: 'why, recorded in the journal' }),
    'dry-run': Flags.boolean({ description: 'show what would be marked; write nothing' }),
    'lock-timeout': MigCommand.lockTimeoutFlag,
  }

  async run(): Promise<void> {
    const ws = await this.projectsWorkspace()
    const result = await resolveMigrations(ws, {
      request: { kind: 'baseline', ...(this.flags.to !== undefined ? { to: this.flags.to } : {}) },
      ...(this.flags.reason !== undefined ? { reason: this.flags.reason } : {}),
      dryRun: this.flags['dry-run'],
      lockTimeoutMs: this.lockTimeoutMs(ws),
      onLockWait: (database, holder) => this.note(`waiting for the migration lock on ${database}, held by ${describeHolder(holder)}…`),
    })
    if (this.flags.json) this.printJson(resolveJson(result))
    else for (const line of resolveLines(result)) this.out(line)
  }
}
