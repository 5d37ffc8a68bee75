import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import type { JournalEntry } from '../core/journal.js'
import { journalLog } from '../core/log.js'
import { paint } from '../output/colour.js'
import { ms, table } from '../output/table.js'

export default class Log extends MigCommand<typeof Log> {
  static override readOnly = true
  static override summary = 'Show the journal: what ran or was marked by hand, when, by whom, why, the outcome'
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
      this.out('The journal is empty: mig has not applied, reverted or marked anything here yet.')
      return
    }
    // The why column only when someone gave one (mig resolve, mig baseline).
    const notes = entries.some((e) => e.note)
    this.out(
      table(
        ['when', 'project', 'migration', 'action', 'outcome', 'took', 'who', 'backup', ...(notes ? ['note'] : [])],
        entries.map((e) => [
          e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          e.project,
          e.migration,
          e.direction,
          outcome(e),
          ms(e.durationMs),
          e.actor,
          e.backupId ?? '-',
          ...(notes ? [e.note ?? ''] : []),
        ]),
      ),
    )
  }
}

function outcome(e: JournalEntry): string {
  if (e.direction === 'resolve') return paint('muted', e.outcome === 'ok' ? 'marked applied' : 'marked rolled back')
  if (e.outcome === 'ok') return paint('ok', 'ok')
  return `${paint(e.outcome === 'failed' ? 'failed' : 'pending', e.outcome)}: ${(e.error ?? '').slice(0, 60)}`
}
