import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { type LockReport, unlock } from '../core/unlock.js'

export default class Unlock extends MigCommand<typeof Unlock> {
  static override summary = "Show who holds each database's migration lock, and release a stale one"
  static override description =
    "Without flags it only shows. --release frees mig locks whose holder is gone, and tools' own locks (knex_migrations_lock) while no mig run holds that database; --force also ends a live holder's session."
  static override flags = {
    release: Flags.boolean({ description: 'release stale locks' }),
    force: Flags.boolean({ description: 'also break locks held by a live run (terminates its session)', dependsOn: ['release'] }),
  }

  async run(): Promise<void> {
    const ws = await this.workspace()
    const reports = await unlock(ws, { release: this.flags.release, force: this.flags.force })
    if (this.flags.json) {
      this.printJson({ locks: reports, exitCode: 0 })
      return
    }
    if (!reports.length) this.out('No projects with a database.')
    for (const r of reports) this.out(line(r))
  }
}

function line(r: LockReport): string {
  const where = `${r.database} (${r.projects.join(', ')})${r.kind === 'mig' ? '' : ` ${r.kind}`}`
  if (!r.holder) return `free      ${where}`
  const who = `${r.holder.who}${r.holder.since ? `, held since ${r.holder.since}` : ''}`
  if (r.released) return `released  ${where}: was held by ${who}`
  if (r.kind !== 'mig') {
    return `locked    ${where}: set${r.holder.since ? `; ${r.holder.since}` : ''} — if no ${r.kind.split('_')[0]} run is active, \`mig unlock --release\` frees it`
  }
  const advice = r.holder.stale ? ' — stale: `mig unlock --release` frees it' : ' — live: `mig unlock --release --force` ends that session'
  return `locked    ${where}: held by ${who}${advice}`
}
