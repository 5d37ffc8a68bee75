import { MigCommand } from '../command.js'
import { backup } from '../core/backup.js'
import { describeHolder } from '../core/lock/index.js'
import { bytes } from '../output/table.js'

export default class Backup extends MigCommand<typeof Backup> {
  static override summary = 'Back up the databases of the selected projects (each database once)'
  static override description = 'PostgreSQL with pg_dump -Fc, MariaDB/MySQL with mariadb-dump/mysqldump, SQLite with the online backup API; a manifest beside each dump. Default folder: .mig/backups/<project>/ (backup.dir).'
  static override examples = ['<%= config.bin %> backup', '<%= config.bin %> backup --project billing && <%= config.bin %> up --one --project billing']
  static override flags = { 'lock-timeout': MigCommand.lockTimeoutFlag }

  async run(): Promise<void> {
    const ws = await this.projectsWorkspace()
    const manifests = await backup(ws, {
      lockTimeoutMs: this.lockTimeoutMs(ws),
      onLockWait: (database, holder) => this.note(`waiting for the migration lock on ${database}, held by ${describeHolder(holder)}…`),
      onWarning: (message) => this.note(`warning: ${message}`),
    })
    if (this.flags.json) {
      this.printJson({ backups: manifests, exitCode: 0 })
      return
    }
    for (const m of manifests) this.out(`backed up ${m.database} (${m.projects.join(', ')}) as ${m.id}, ${bytes(m.size)}`)
  }
}
