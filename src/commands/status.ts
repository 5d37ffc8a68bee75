import { MigCommand } from '../command.js'
import { type ProjectStatus, status } from '../core/status.js'
import { table } from '../output/table.js'

export default class Status extends MigCommand<typeof Status> {
  static override readOnly = true
  static override summary = 'Show every project, its pending migrations and its problems'
  static override description = `Exit code is a bitmap: 0 clean, 2 pending, 4 drift (an applied migration's file changed or is gone), 8 failed, 16 locked; 1 when mig could not answer.`
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --project billing --json']

  async run(): Promise<void> {
    const ws = await this.workspace()
    const result = await status(ws, { checksums: this.flags.json === true })
    if (this.flags.json) this.printJson(result)
    else this.render(result.projects, ws.detected)
    this.exit(result.exitCode)
  }

  private render(projects: ProjectStatus[], detected: boolean): void {
    if (detected) this.note(projects.length ? 'No mig.config.json: detected the projects below (`mig init` writes them down).' : 'No mig.config.json and no projects detected.')
    if (!projects.length) return
    this.out(
      table(
        ['project', 'tool', 'database', 'applied', 'pending', 'state'],
        projects.map((p) => [p.name, p.tool, p.database?.url ?? '-', p.summary?.applied ?? '-', p.summary?.pending ?? '-', stateOf(p)]),
      ),
    )
    for (const p of projects) {
      const lines: string[] = []
      for (const m of p.migrations ?? []) {
        if (m.state === 'pending') lines.push(`  pending   ${m.id}`)
        else if (m.state === 'failed') lines.push(`  FAILED    ${m.id}${m.error ? ` — ${m.error}` : ''}`)
        else if (m.state === 'missing') lines.push(`  MISSING   ${m.id} (applied, but its files are gone)`)
        else if (m.drift) lines.push(`  DRIFT     ${m.id} (edited since it was applied)`)
      }
      if (p.lock) lines.push(`  LOCKED    by ${p.lock.holder}${p.lock.since ? ` since ${p.lock.since}` : ''}${p.lock.stale ? ' — stale, `mig unlock --release` frees it' : ''}`)
      if (p.plugin) lines.push(`  install the plugin to see it: ${p.plugin.install}`)
      if (lines.length) this.out(`\n${p.name} (${p.dir})\n${lines.join('\n')}`)
    }
    for (const p of projects) {
      if (!p.error) continue
      this.note(`Error: ${p.name}: ${p.error.message}`)
      if (p.error.hint) this.note(`Hint: ${p.error.hint}`)
    }
  }
}

function stateOf(p: ProjectStatus): string {
  if (p.plugin) return 'plugin not installed'
  if (p.error) return 'error'
  const s = p.summary!
  const parts = [
    s.failed && `${s.failed} failed`,
    s.drift && `${s.drift} drift`,
    s.missing && `${s.missing} missing`,
    p.lock && (p.lock.stale ? 'stale lock' : 'locked'),
    s.pending && `${s.pending} pending`,
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : 'up to date'
}
