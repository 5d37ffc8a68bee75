import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { runStatus } from '../core/run-status.js'
import { ExitCode } from '../output/errors.js'

/** The plain case of this command also runs without oclif, through the same runStatus: see src/fast-status.ts. */
export default class Status extends MigCommand<typeof Status> {
  static override readOnly = true
  static override usageExit: number = ExitCode.error
  static override summary = 'Show every project, its pending migrations and its problems'
  static override description = `Exit code is a bitmap: 0 clean, 2 pending, 4 drift (an applied migration's file changed or is gone), 8 failed, 16 locked; 1 when mig could not answer for some project (an error, a bad config, a plugin missing or failing, no projects, a usage error), so 2 only ever means pending.

--format github prints one GitHub Actions annotation per pending, drifted, missing or failed migration and per problem (nothing when all is clean), on the migration's file where there is one.`
  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --project billing --json',
    '<%= config.bin %> status --format github',
  ]
  // No default: the fast dispatcher takes flags from the manifest and leaves defaults to oclif (text is the default all the same).
  static override integerFlags = { ...MigCommand.integerFlags, ...MigCommand.fleetIntegerFlags }
  static override flags = {
    ...MigCommand.fleetFlags,
    format: Flags.string({ description: 'output format (default: text; json is --json)', options: ['text', 'json', 'github'] }),
  }

  async run(): Promise<void> {
    // --format json is --json, errors included.
    if (this.flags.format === 'json') this.flags.json = true
    const adapters = await this.adapters()
    const code = await runStatus(this.flags, { adapters, failures: this.pluginFailures }, this.io())
    this.exit(code)
  }
}
