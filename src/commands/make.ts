import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { relative } from 'node:path'
import { MigCommand } from '../command.js'
import { openSession } from '../core/workspace.js'
import { usageError } from '../output/errors.js'

export default class Make extends MigCommand<typeof Make> {
  static override summary = "Write a new migration in the project's tool format"
  static override examples = [
    '<%= config.bin %> make add_phone --project billing',
    '<%= config.bin %> make create_orders --template create-table --table orders',
  ]
  static override args = {
    name: Args.string({ description: 'what the migration does, e.g. add_phone', required: true }),
  }
  static override flags = {
    template: Flags.string({ char: 't', description: 'template pattern (blank, create-table, add-column, …)', default: 'blank' }),
    table: Flags.string({ description: 'the table the template acts on (create-table, …)' }),
    'from-schema': Flags.boolean({ description: 'Prisma: fill migration.sql and down.sql from the schema with `prisma migrate diff`' }),
  }

  async run(): Promise<void> {
    const name = this.args.name
    if (!/^[A-Za-z][\w-]*$/.test(name))
      throw usageError(
        'MAKE_NAME',
        `"${name}" is not a usable migration name`,
        'use letters, digits, "_" and "-", starting with a letter, e.g. add_phone',
      )
    const ws = await this.workspace()
    if (ws.projects.length !== 1) {
      throw usageError(
        'MAKE_PROJECT',
        ws.projects.length ? 'mig make needs exactly one project' : 'no projects found',
        `pass --project (one of: ${ws.projects.map((p) => p.name).join(', ') || 'none'})`,
      )
    }
    const project = ws.projects[0]!
    if (this.flags['from-schema'] && project.tool !== 'prisma') {
      throw usageError(
        'MAKE_FROM_SCHEMA',
        `--from-schema is for Prisma projects, and ${project.name} is ${project.tool}`,
        'drop --from-schema, or pick a Prisma project with --project',
      )
    }
    const session = await openSession(ws, project)
    let files: string[]
    try {
      const { table } = this.flags
      files = await session.create(name, this.flags.template, {
        name,
        ...(table ? { table } : {}),
        ...(this.flags['from-schema'] ? { fromSchema: true } : {}),
      })
    } finally {
      await session.close()
    }
    if (this.flags.json) this.printJson({ project: project.name, files, exitCode: 0 })
    else for (const f of files) this.out(`created ${relative(process.cwd(), f)}`)
  }
}
