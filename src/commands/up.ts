import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { type Selection, dryRun, run } from '../core/lifecycle.js'
import { dryRunJson, dryRunText, progress, runJson, summary } from '../output/run-output.js'

export default class Up extends MigCommand<typeof Up> {
  static override summary = 'Apply pending migrations, oldest first across projects'
  static override examples = ['<%= config.bin %> up', '<%= config.bin %> up --one', '<%= config.bin %> up --project billing --to 003_add_phone']
  static override flags = {
    one: Flags.boolean({ description: 'apply only the single oldest pending migration', exclusive: ['step', 'to'] }),
    step: Flags.integer({ description: 'apply the next N pending migrations', min: 1, exclusive: ['one', 'to'] }),
    to: Flags.string({ description: 'apply up to and including this migration id', exclusive: ['one', 'step'] }),
    backup: Flags.boolean({ description: 'back up each database first (also: backup.before in mig.config)', allowNo: true }),
    'dry-run': Flags.boolean({ description: 'print what would be applied, in order, and change nothing' }),
    'lock-timeout': MigCommand.lockTimeoutFlag,
    'allow-shared-url': MigCommand.allowSharedUrlFlag,
    'allow-drift': MigCommand.allowDriftFlag,
    strict: Flags.boolean({ description: 'refuse a migration whose file is empty instead of warning' }),
  }

  async run(): Promise<void> {
    const { one, step, to } = this.flags
    const selection: Selection = one ? { kind: 'one' } : step ? { kind: 'step', n: step } : to ? { kind: 'to', id: to } : { kind: 'all' }
    const ws = await this.projectsWorkspace()
    if (this.flags['dry-run']) {
      const steps = await dryRun(ws, { direction: 'up', selection, allowDrift: this.flags['allow-drift'], strict: this.flags.strict })
      if (this.flags.json) this.printJson(dryRunJson(steps, 'up'))
      else for (const line of dryRunText(steps, 'up')) this.out(line)
      return
    }
    const result = await run(ws, {
      direction: 'up',
      selection,
      lockTimeoutMs: this.lockTimeoutMs(ws),
      backup: this.flags.backup ?? ws.config.config.backup?.before?.includes('up') ?? false,
      allowSharedUrl: this.flags['allow-shared-url'],
      allowDrift: this.flags['allow-drift'],
      strict: this.flags.strict,
      onEvent: progress((l) => this.out(l), (l) => this.note(l), { announce: !this.flags.json && selection.kind === 'one' }),
    })
    if (this.flags.json) this.printJson(runJson(result))
    else this.out(summary(result))
  }
}
