import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import * as Flags from '@oclif/core/flags'
import { MigCommand } from '../command.js'
import { configFiles } from '../config/load.js'
import { detectProjects } from '../config/projects.js'
import { installCommand } from '../config/tools.js'
import { MigError } from '../output/errors.js'
import { table } from '../output/table.js'

export default class Init extends MigCommand<typeof Init> {
  static override summary = 'Detect the projects in this repository and write mig.config.json'
  static override flags = {
    force: Flags.boolean({ description: 'overwrite an existing mig.config.json' }),
  }

  async run(): Promise<void> {
    const root = this.flags.cwd ? join(process.cwd(), this.flags.cwd) : process.cwd()
    const existing = configFiles.map((f) => join(root, f)).find((f) => existsSync(f))
    if (existing && !this.flags.force) {
      throw new MigError(
        'CONFIG_EXISTS',
        `${relative(process.cwd(), existing) || existing} already exists`,
        'edit it, or pass --force to overwrite it with what is detected now',
      )
    }
    const projects = await detectProjects(root, await this.adapters())
    const config = { projects: projects.map((p) => ({ name: p.name, tool: p.tool, dir: p.relDir })) }
    const file = join(root, 'mig.config.json')
    await writeFile(file, `${JSON.stringify(config, null, 2)}\n`)
    await ignoreBackups(root)
    if (this.flags.json) {
      this.printJson({ file, projects: config.projects, exitCode: 0 })
      return
    }
    this.out(`Wrote ${relative(process.cwd(), file) || file} with ${projects.length} project${projects.length === 1 ? '' : 's'}:`)
    if (projects.length)
      this.out(
        table(
          ['project', 'tool', 'dir'],
          projects.map((p) => [p.name, p.tool, p.relDir]),
        ),
      )
    for (const p of projects) {
      const install = p.adapter ? undefined : installCommand(p.tool)
      if (install) this.out(`${p.name} needs the ${p.tool} plugin: ${install}`)
    }
    this.out(
      'This file is now the trusted list: mig runs the tool configs (knexfile, DataSource, …) of these projects only and detects no others. Edit it to add or remove one.',
    )
  }
}

/** Backups are full data dumps: keep the default backup folder out of the repository. */
async function ignoreBackups(root: string): Promise<void> {
  const file = join(root, '.gitignore')
  const text = existsSync(file) ? await readFile(file, 'utf8') : ''
  if (text.split(/\r?\n/).some((l) => ['.mig/backups/', '.mig/backups', '/.mig/backups/', '/.mig/backups'].includes(l.trim()))) return
  await writeFile(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}.mig/backups/\n`)
}
