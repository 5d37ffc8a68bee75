import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { type Selection, dryRun, run } from '../core/lifecycle.js'
import { dryRunJson, dryRunText, progress, runJson, summary } from '../output/run-output.js'

export default class Down extends MigCommand<typeof Down> {
  static override summary = 'Revert the migration applied last (across projects: by when it was applied)'
  static override examples = ['<%= config.bin %> down', '<%= config.bin %> down --project billing --step 2', '<%= config.bin %> down --project billing --to 001_create_users', '<%= config.bin %> down --all --yes']
  static override flags = {
    step: Flags.integer({ description: 'revert the last N applied migrations', min: 1, exclusive: ['to', 'all', 'batch'] }),
    to: Flags.string({ description: 'revert every migration applied after this id (the id itself stays applied)', exclusive: ['step', 'all', 'batch'] }),
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
    const { step, to, all, batch } = this.flags
    const selection: Selection = all ? { kind: 'all' } : batch ? { kind: 'batch' } : step ? { kind: 'step', n: step } : to ? { kind: 'to', id: to } : { kind: 'one' }
    const ws = await this.projectsWorkspace()
    if (this.flags['dry-run']) {
      const steps = await dryRun(ws, { direction: 'down', selection, allowDrift: this.flags['allow-drift'], strict: this.flags.strict })
      if (this.flags.json) this.printJson(dryRunJson(steps, 'down'))
      else for (const line of dryRunText(steps, 'down')) this.out(line)
      return
    }
    if (all && !this.flags.yes) {
      const names = ws.projects.map((p) => p.name).join(', ')
      if (!(await this.confirm(`Revert EVERY applied migration of ${names}?`, '--yes'))) {
        this.out('Nothing reverted.')
        return
      }
    }
    const result = await run(ws, {
      direction: 'down',
      selection,
      lockTimeoutMs: this.lockTimeoutMs(ws),
      backup: this.flags.backup ?? ws.config.config.backup?.before?.includes('down') ?? false,
      allowSharedUrl: this.flags['allow-shared-url'],
      allowDrift: this.flags['allow-drift'],
      strict: this.flags.strict,
      onEvent: progress((l) => this.out(l), (l) => this.note(l), { announce: !this.flags.json }),
    })
    if (this.flags.json) this.printJson(runJson(result))
    else this.out(summary(result))
  }
}
