import { MigCommand } from '../command.js'
import { runBackup } from '../core/run-commands.js'

export default class Backup extends MigCommand<typeof Backup> {
  static override summary = 'Back up the databases of the selected projects (each database once)'
  static override description =
    'PostgreSQL with pg_dump -Fc, MariaDB/MySQL with mariadb-dump/mysqldump, SQLite with the online backup API; a manifest beside each dump. Default folder: .mig/backups/<project>/ (backup.dir).'
  static override examples = [
    '<%= config.bin %> backup',
    '<%= config.bin %> backup --project billing && <%= config.bin %> up --one --project billing',
  ]
  static override integerFlags = { ...MigCommand.integerFlags, 'lock-timeout': 0, ...MigCommand.fleetIntegerFlags }
  static override flags = { 'lock-timeout': MigCommand.lockTimeoutFlag, ...MigCommand.fleetFlags }

  async run(): Promise<void> {
    const code = await runBackup(this.flags, { adapters: await this.adapters(), failures: this.pluginFailures }, this.io())
    if (code) this.exit(code)
  }
}
