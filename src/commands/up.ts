import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { runUp } from '../core/run-commands.js'

export default class Up extends MigCommand<typeof Up> {
  static override summary = 'Apply pending migrations, oldest first across projects'
  static override examples = [
    '<%= config.bin %> up',
    '<%= config.bin %> up --one',
    '<%= config.bin %> up --project billing --to 003_add_phone',
    '<%= config.bin %> up --atomic',
  ]
  static override integerFlags = { ...MigCommand.integerFlags, step: 1, 'lock-timeout': 0, ...MigCommand.fleetIntegerFlags }
  static override flags = {
    ...MigCommand.fleetFlags,
    one: Flags.boolean({ description: 'apply only the single oldest pending migration', exclusive: ['step', 'to'] }),
    step: Flags.integer({ description: 'apply the next N pending migrations', min: 1, exclusive: ['one', 'to'] }),
    to: Flags.string({ description: 'apply up to and including this migration id', exclusive: ['one', 'step'] }),
    backup: Flags.boolean({ description: 'back up each database first (also: backup.before in mig.config)', allowNo: true }),
    'dry-run': Flags.boolean({ description: 'print what would be applied, in order, and change nothing' }),
    'lock-timeout': MigCommand.lockTimeoutFlag,
    'allow-shared-url': MigCommand.allowSharedUrlFlag,
    'allow-drift': MigCommand.allowDriftFlag,
    strict: Flags.boolean({ description: 'refuse a migration whose file is empty instead of warning' }),
    atomic: Flags.boolean({
      description:
        'apply each database\'s migrations in one transaction: all or none (PostgreSQL, SQLite; also "atomic": true per project)',
    }),
  }

  async run(): Promise<void> {
    const code = await runUp(this.flags, { adapters: await this.adapters(), failures: this.pluginFailures }, this.io())
    if (code) this.exit(code)
  }
}
