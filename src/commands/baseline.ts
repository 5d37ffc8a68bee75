import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { MarkCommand } from './resolve.js'

export default class Baseline extends MarkCommand<typeof Baseline> {
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
    await this.mark(
      { kind: 'baseline', ...(this.flags.to !== undefined ? { to: this.flags.to } : {}) },
      { reason: this.flags.reason, dryRun: this.flags['dry-run'], json: this.flags.json },
    )
  }
}
