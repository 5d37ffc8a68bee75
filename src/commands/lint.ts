import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { formatGithub, formatText, lintExitCode, toJson } from '../lint/format.js'
import { lintWorkspace } from '../lint/run.js'

export default class Lint extends MigCommand<typeof Lint> {
  static override readOnly = true
  static override summary = 'Check pending migrations for SQL that locks or breaks production'
  static override description = `Rules, severities and how to silence one (\`-- mig:ignore CODE\`, or "lint": { "rules": { "CODE": "off" } } in mig.config): see the README. Exit code 1 when any error-level finding remains. Plain-SQL projects are linted from their files; the other tools' migrations run on an empty scratch database (as \`mig verify\` does) to capture the SQL they emit. Projects whose plugin is not installed are listed as not linted.`
  static override examples = [
    '<%= config.bin %> lint',
    '<%= config.bin %> lint --project billing --from 20240101000000_create_users',
    '<%= config.bin %> lint --all --format github',
  ]
  static override flags = {
    from: Flags.string({
      description:
        "lint the migrations after this id in the project that has it (a pull request's new ones), whether applied or not; other projects: their pending ones",
    }),
    all: Flags.boolean({ description: 'lint every migration, applied or not', exclusive: ['from'] }),
    format: Flags.string({ description: 'output format', options: ['text', 'json', 'github'], default: 'text' }),
  }

  async run(): Promise<void> {
    // --format json is --json, errors included.
    if (this.flags.format === 'json') this.flags.json = true
    const ws = await this.projectsWorkspace()
    const config = ws.config.config.lint
    const report = await lintWorkspace(ws, {
      ...(this.flags.from !== undefined ? { from: this.flags.from } : {}),
      all: this.flags.all,
      ...(config ? { config } : {}),
    })
    if (this.flags.json) this.printJson(toJson(report))
    else {
      const text = this.flags.format === 'github' ? formatGithub(report, ws.root) : formatText(report, ws.root)
      // Nothing to annotate: no output at all, not an empty line.
      if (text) process.stdout.write(`${text}\n`)
    }
    const code = lintExitCode(report.findings)
    if (code) this.exit(code)
  }
}
