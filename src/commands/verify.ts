import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { verify } from '../core/verify.js'
import { verifyJson, verifyText } from '../output/plan-text.js'

export default class Verify extends MigCommand<typeof Verify> {
  static override readOnly = true
  static override summary = 'Test that every migration reverts: up, down, up again on an empty scratch database, comparing schemas'
  static override description =
    'For each selected project, on its own empty scratch database mig_scratch_* (SQLite: a temp file), always dropped: for each migration in order, snapshot the schema, up, snapshot, down, and check the schema is as before up; then up again and check it is as after the first up. A migration without a down is reported irreversible. A project stops at its first failure. The configured databases are not touched. Exit code 1 when any migration fails or is irreversible.'
  static override examples = [
    '<%= config.bin %> verify',
    '<%= config.bin %> verify --project billing --from 20240101000000_create_invoices',
    '<%= config.bin %> verify --json',
  ]
  static override flags = {
    from: Flags.string({
      description: 'apply the migrations up to and including this id without checks, then check the rest (what a pull request adds)',
    }),
  }

  async run(): Promise<void> {
    const ws = await this.projectsWorkspace()
    const result = await verify(ws, this.flags.from === undefined ? {} : { from: this.flags.from })
    if (this.flags.json) this.printJson(verifyJson(result))
    else for (const line of verifyText(result)) this.out(line)
    if (!result.ok) this.exit(1)
  }
}
