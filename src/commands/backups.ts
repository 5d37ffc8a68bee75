import { relative } from 'node:path'
import { MigCommand } from '../command.js'
import { backupRoot, scanBackups } from '../backup/store.js'
import { bytes, table } from '../output/table.js'

export default class Backups extends MigCommand<typeof Backups> {
  static override summary = 'List the backups (newest last)'

  async run(): Promise<void> {
    const ws = await this.workspace()
    const root = backupRoot(ws.config.dir, ws.config.config.backup?.dir)
    const names = new Set(ws.projects.map((p) => p.name))
    const { backups, rejected } = await scanBackups(root)
    for (const r of rejected) this.note(`warning: skipped ${r.error.message}`)
    const all = backups.filter((m) => !this.flags.project?.length || m.projects.some((p) => names.has(p)))
    if (this.flags.json) {
      this.printJson({ backups: all.map(({ dir: _dir, manifestFile: _file, ...m }) => m), exitCode: 0 })
      return
    }
    if (!all.length) {
      this.out(`No backups in ${relative(process.cwd(), root) || root}. Take one with \`mig backup\`.`)
      return
    }
    this.out(
      table(
        ['id', 'created', 'projects', 'database', 'size', 'migrations'],
        all.map((m) => [
          m.id,
          m.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          m.projects.join(','),
          m.database,
          bytes(m.size),
          Object.values(m.migrations).flat().length,
        ]),
      ),
    )
  }
}
