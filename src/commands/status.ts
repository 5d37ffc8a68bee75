import { MigCommand } from '../command.js'
import { StatusBit, status } from '../core/status.js'
import { ExitCode } from '../output/errors.js'
import { renderStatus } from '../output/status-text.js'

/** The plain case of this command also runs without oclif: see src/fast-status.ts. */
export default class Status extends MigCommand<typeof Status> {
  static override readOnly = true
  static override usageExit: number = ExitCode.error
  static override summary = 'Show every project, its pending migrations and its problems'
  static override description = `Exit code is a bitmap: 0 clean, 2 pending, 4 drift (an applied migration's file changed or is gone), 8 failed, 16 locked; 1 when mig could not answer for some project (an error, a bad config, a plugin missing or failing, no projects, a usage error), so 2 only ever means pending.`
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --project billing --json']

  async run(): Promise<void> {
    const ws = await this.projectsWorkspace()
    const result = await status(ws, { checksums: this.flags.json === true })
    // A plugin that failed to load hides its tool's projects: status cannot say they are clean.
    if (this.pluginFailures.length) result.exitCode |= StatusBit.unanswered
    if (this.flags.json) this.printJson(result)
    else renderStatus(result, ws.detected, { out: (l) => this.out(l), note: (l) => this.note(l), ...(this.flags.debug ? { debug: (l: string) => this.note(l) } : {}) }, ws.skipped)
    this.exit(result.exitCode)
  }
}
