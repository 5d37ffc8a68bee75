import { CLIError } from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { commandWorkspace } from '../core/command-workspace.js'
import { formatDuration, parseDuration, waitForDatabases } from '../core/wait.js'

export default class Wait extends MigCommand<typeof Wait> {
  static override readOnly = true
  static override summary = "Wait until every project's database server accepts connections"
  static override description = `For containers started together (docker compose, CI services): polls each database, quickly at first and then once a second, until it accepts a connection, like dbmate's wait. A database the server says does not exist yet counts as ready; refused credentials fail at once. Exit code 1 when the time runs out.`
  static override examples = ['<%= config.bin %> wait', '<%= config.bin %> wait --timeout 2m && <%= config.bin %> up']
  static override integerFlags: Record<string, number> = {}
  static override flags = {
    // Replaces the global --timeout: here it bounds the whole wait, tool configs' loading included.
    timeout: Flags.custom<number>({
      description: 'how long to wait in all, from when mig starts: 30 (seconds), 30s, 500ms, 2m, 1m30s (default: 60s)',
      parse: async (text) => {
        try {
          return parseDuration(text)
        } catch (error) {
          // oclif's own parse errors are CLIErrors: MigCommand.catch answers them as usage errors, with the command's help.
          throw new CLIError((error as Error).message)
        }
      },
      helpValue: 'DURATION',
    })(),
  }

  async run(): Promise<void> {
    // From the process's start: the time oclif takes to load counts too, as the user sees it.
    const started = Math.round(performance.timeOrigin)
    const timeoutMs = this.flags.timeout ?? 60_000
    const ws = await commandWorkspace(
      { ...this.flags, timeout: Math.max(1, Math.ceil(timeoutMs / 1000)) },
      await this.adapters(),
      true,
      (l) => this.note(l),
    )
    const databases = await waitForDatabases(ws, { started, timeoutMs, waiting: (l) => this.note(l) })
    if (this.flags.json) {
      this.printJson({ databases, exitCode: 0 })
      return
    }
    for (const d of databases) this.out(`ready  ${d.projects.join(', ')}  ${d.database.url}  ${d.note ?? `after ${formatDuration(d.ms)}`}`)
  }
}
