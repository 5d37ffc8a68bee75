import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { journalLog } from '../core/log.js'
import { ms, table } from '../output/table.js'

export default class Log extends MigCommand<typeof Log> {
  static override readOnly = true
  static override summary = 'Show the journal: what ran, when, by whom, how long, the outcome'
  static override examples = ['<%= config.bin %> log', '<%= config.bin %> log --project billing --limit 50 --json']
  static override flags = {
    limit: Flags.integer({ char: 'n', description: 'how many entries, newest last', default: 20, min: 1 }),
  }

  async run(): Promise<void> {
    const ws = await this.workspace()
    const entries = await journalLog(ws, this.flags.limit)
    if (this.flags.json) {
      this.printJson({ entries, exitCode: 0 })
      return
    }
    if (!entries.length) {
      this.out('The journal is empty: mig has not applied or reverted anything here yet.')
      return
    }
    this.out(
      table(
        ['when', 'project', 'migration', 'action', 'outcome', 'took', 'who', 'backup'],
        entries.map((e) => [e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), e.project, e.migration, e.direction, e.outcome === 'ok' ? 'ok' : `${e.outcome}: ${(e.error ?? '').slice(0, 60)}`, ms(e.durationMs), e.actor, e.backupId ?? '-']),
      ),
    )
  }
}
