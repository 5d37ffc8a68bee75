import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { runDown } from '../core/run-commands.js'

export default class Down extends MigCommand<typeof Down> {
  static override summary = 'Revert the migration applied last (across projects: by when it was applied)'
  static override examples = [
    '<%= config.bin %> down',
    '<%= config.bin %> down --project billing --step 2',
    '<%= config.bin %> down --project billing --to 001_create_users',
    '<%= config.bin %> down --all --yes',
  ]
  static override integerFlags = { ...MigCommand.integerFlags, step: 1, 'lock-timeout': 0, ...MigCommand.fleetIntegerFlags }
  static override flags = {
    ...MigCommand.fleetFlags,
    step: Flags.integer({ description: 'revert the last N applied migrations', min: 1, exclusive: ['to', 'all', 'batch'] }),
    to: Flags.string({
      description: 'revert every migration applied after this id (the id itself stays applied)',
      exclusive: ['step', 'all', 'batch'],
    }),
    batch: Flags.boolean({ description: "revert the project's whole last batch (knex)", exclusive: ['step', 'to', 'all'] }),
    all: Flags.boolean({ description: 'revert every applied migration (asks first unless --yes)', exclusive: ['step', 'to', 'batch'] }),
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }),
    backup: Flags.boolean({ description: 'back up each database first (also: backup.before in mig.config)', allowNo: true }),
    'dry-run': Flags.boolean({ description: 'print what would be reverted, in order, and change nothing' }),
    'lock-timeout': MigCommand.lockTimeoutFlag,
    'allow-shared-url': MigCommand.allowSharedUrlFlag,
    'allow-drift': MigCommand.allowDriftFlag,
    strict: Flags.boolean({ description: 'refuse a migration whose file is empty instead of warning' }),
  }

  async run(): Promise<void> {
    const code = await runDown(this.flags, { adapters: await this.adapters(), failures: this.pluginFailures }, this.io())
    if (code) this.exit(code)
  }
}
