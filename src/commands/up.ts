import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { type Selection, run } from '../core/lifecycle.js'
import { usageError } from '../output/errors.js'
import { progress, runJson, summary } from '../output/run-output.js'

export const lockTimeoutFlag = Flags.integer({ description: 'seconds to wait for another run\'s lock (default: lock.timeoutSeconds, or 30)', min: 0 })

export default class Up extends MigCommand<typeof Up> {
  static override summary = 'Apply pending migrations, oldest first across projects'
  static override examples = ['<%= config.bin %> up', '<%= config.bin %> up --one', '<%= config.bin %> up --project billing --to 003_add_phone']
  static override flags = {
    one: Flags.boolean({ description: 'apply only the single oldest pending migration', exclusive: ['step', 'to'] }),
    step: Flags.integer({ description: 'apply the next N pending migrations', min: 1, exclusive: ['one', 'to'] }),
    to: Flags.string({ description: 'apply up to and including this migration id', exclusive: ['one', 'step'] }),
    'lock-timeout': lockTimeoutFlag,
  }

  async run(): Promise<void> {
    const { one, step, to } = this.flags
    const selection: Selection = one ? { kind: 'one' } : step ? { kind: 'step', n: step } : to ? { kind: 'to', id: to } : { kind: 'all' }
    const ws = await this.workspace()
    if (!ws.projects.length) throw usageError('NO_PROJECTS', 'no projects found', 'run `mig init` in the repository root, or pass --cwd')
    const result = await run(ws, {
      direction: 'up',
      selection,
      lockTimeoutMs: (this.flags['lock-timeout'] ?? ws.config.config.lock?.timeoutSeconds ?? 30) * 1000,
      onEvent: progress((l) => this.out(l), (l) => this.note(l)),
    })
    if (this.flags.json) this.printJson(runJson(result))
    else this.out(summary(result))
  }
}
