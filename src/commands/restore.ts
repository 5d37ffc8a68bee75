import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { type RestorePlan, restore } from '../core/backup.js'
import { describeHolder } from '../core/lock/index.js'

export default class Restore extends MigCommand<typeof Restore> {
  static override summary = 'Replace a database with a backup (checks the dump first, asks unless --yes)'
  static override examples = ['<%= config.bin %> restore 20241126-101500-123-billing']
  static override args = { id: Args.string({ description: 'backup id (see `mig backups`)', required: true }) }
  static override flags = {
    yes: Flags.boolean({ char: 'y', description: 'do not ask for confirmation' }),
    'lock-timeout': MigCommand.lockTimeoutFlag,
  }

  async run(): Promise<void> {
    const ws = await this.workspace()
    const plan = await restore(ws, this.args.id, {
      lockTimeoutMs: this.lockTimeoutMs(ws),
      onLockWait: (database, holder) => this.note(`waiting for the migration lock on ${database}, held by ${describeHolder(holder)}…`),
      onWarning: (message) => this.note(`warning: ${message}`),
      confirm: async (p) => {
        if (!this.flags.json) this.describe(p)
        return this.flags.yes || this.confirm(`Replace ${p.database} with backup ${p.manifest.id}?`, '--yes')
      },
    })
    if (this.flags.json) {
      this.printJson({
        restored: plan ? plan.manifest.id : null,
        database: plan?.database ?? null,
        projects: plan?.projects ?? [],
        exitCode: 0,
      })
      return
    }
    this.out(plan ? `Restored ${plan.database} from ${plan.manifest.id}.` : 'Nothing restored.')
  }

  private describe(p: RestorePlan): void {
    this.note(`Backup ${p.manifest.id}, taken ${p.manifest.createdAt}, will replace the whole database ${p.database}:`)
    for (const project of p.projects) {
      const last = (ids: string[]) => (ids.length ? `${ids.length} applied, last ${ids.at(-1)}` : 'nothing applied')
      this.note(`  ${project.name}: now ${last(project.now)}; after restore ${last(project.backup)}`)
    }
  }
}
