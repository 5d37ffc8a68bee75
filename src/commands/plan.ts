import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import type { Selection } from '../core/lifecycle.js'
import { planRun } from '../core/plan-run.js'
import type { Workspace } from '../core/workspace.js'
import { planExitCode, planJson, planText } from '../output/plan-text.js'

/**
 * Run `mig plan` for `selection` and print it (`up --dry-run` calls this
 * too); the exit code to end with.
 */
export async function printPlan(
  ws: Workspace,
  selection: Selection,
  print: { json: boolean; out(line: string): void; printJson(value: unknown): void },
): Promise<number> {
  const plan = await planRun(ws, selection)
  if (print.json) print.printJson(planJson(plan))
  else for (const line of planText(plan)) print.out(line)
  return planExitCode(plan)
}

export default class Plan extends MigCommand<typeof Plan> {
  static override readOnly = true
  static override summary = 'Print the SQL `mig up` would run, found by running it on a schema-only copy of each database'
  static override description =
    'Each database is copied (schema and the migration ledgers, no other rows) into a scratch database mig_scratch_* on the same server (SQLite: a temp file), the pending migrations run there through the same adapters `up` uses, and each statement is printed; the scratch is then dropped. The real databases are never written. Code that reads data sees empty tables: statements after such a read are marked. Exit code 1 when a migration fails on the copy.'
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --project billing --one',
    '<%= config.bin %> plan --to 20240301000000_add_phone --json',
  ]
  static override flags = {
    one: Flags.boolean({ description: 'only the single oldest pending migration', exclusive: ['step', 'to'] }),
    step: Flags.integer({ description: 'the next N pending migrations', min: 1, exclusive: ['one', 'to'] }),
    to: Flags.string({ description: 'up to and including this migration id', exclusive: ['one', 'step'] }),
  }

  async run(): Promise<void> {
    const { one, step, to } = this.flags
    const selection: Selection = one ? { kind: 'one' } : step ? { kind: 'step', n: step } : to ? { kind: 'to', id: to } : { kind: 'all' }
    const ws = await this.projectsWorkspace()
    const code = await printPlan(ws, selection, { json: this.flags.json, out: (l) => this.out(l), printJson: (v) => this.printJson(v) })
    if (code) this.exit(code)
  }
}
