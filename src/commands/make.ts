import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { MigCommand } from '../command.js'
import { type MakeOptions, checkMakeOptions, referentialActions } from '../core/template-vars.js'
import { type TemplateInfo, listTemplates } from '../core/templates.js'
import { openSession } from '../core/workspace.js'
import { usageError } from '../output/errors.js'
import { table } from '../output/table.js'

export default class Make extends MigCommand<typeof Make> {
  static override summary = "Write a new migration in the project's tool format"
  static override description =
    "Templates fill in from the flags below; a flag left out is written as a placeholder (__TABLE__) and a line that stops the migration until it is filled in. `mig make --list` shows each tool's templates and the flags they use; a project's .mig/templates/<tool>/ overrides them."
  static override examples = [
    '<%= config.bin %> make add_phone --project billing',
    '<%= config.bin %> make add_phone --project billing --template add-column --table customers --column phone --type string',
    '<%= config.bin %> make create_orders --template create-table --table orders --ref customers.id --column customer_id',
    '<%= config.bin %> make index_orders --template add-index --table orders --columns customer_id,created_at',
    '<%= config.bin %> make --list',
  ]
  static override args = {
    name: Args.string({ description: 'what the migration does, e.g. add_phone' }),
  }
  static override flags = {
    template: Flags.string({ char: 't', description: 'template (mig make --list shows them)', default: 'blank' }),
    list: Flags.boolean({ description: 'list the templates of each tool and the flags they use' }),
    table: Flags.string({ description: 'the table it acts on' }),
    column: Flags.string({ description: 'the column it acts on (create-table: the --ref column)' }),
    columns: Flags.string({ description: 'add-index: the columns, comma-separated (default: --column)' }),
    type: Flags.string({
      description:
        "column type: string[(n)], text, integer, bigint, boolean, decimal[(p,s)], float, date, datetime, timestamp, json, uuid, or the database's own",
    }),
    'from-type': Flags.string({ description: 'alter-column: the type the down restores' }),
    default: Flags.string({ description: 'column default (a number and true/false stay one; anything else is text)' }),
    nullable: Flags.boolean({ allowNo: true, description: 'NULL allowed (--no-nullable: NOT NULL); alter-column: the change to make' }),
    ref: Flags.string({ description: 'foreign key target: table.column (table alone: table.id)' }),
    'on-delete': Flags.string({ description: 'foreign key ON DELETE', options: [...referentialActions] }),
    'on-update': Flags.string({ description: 'foreign key ON UPDATE', options: [...referentialActions] }),
    to: Flags.string({ description: 'rename-table, rename-column: the new name' }),
    values: Flags.string({ description: 'enum: the values, comma-separated' }),
    set: Flags.string({ description: "data-migration: the SQL expression each row's --column gets, e.g. lower(email)" }),
    batch: Flags.integer({ description: 'data-migration: rows per batch (default 1000)' }),
    'from-schema': Flags.boolean({ description: 'Prisma: fill migration.sql and down.sql from the schema with `prisma migrate diff`' }),
  }

  async run(): Promise<void> {
    if (this.flags.list) return this.list()
    const name = this.args.name
    if (!name) throw usageError('MAKE_NAME', 'mig make needs a name for the migration', 'e.g. mig make add_phone --project billing')
    if (!/^[A-Za-z][\w-]*$/.test(name))
      throw usageError(
        'MAKE_NAME',
        `"${name}" is not a usable migration name`,
        'use letters, digits, "_" and "-", starting with a letter, e.g. add_phone',
      )
    const options = this.options()
    checkMakeOptions(options)
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
      files = await session.create(name, this.flags.template, {
        name,
        ...options,
        dialect: session.target.dialect,
        ...(this.flags['from-schema'] ? { fromSchema: true } : {}),
      })
    } finally {
      await session.close()
    }
    if (this.flags.json) this.printJson({ project: project.name, files, exitCode: 0 })
    else for (const f of files) this.out(`created ${relative(process.cwd(), f)}`)
    for (const f of files) {
      const left = /fill in (.+?) in this file \(or make it again with (.+?)\)/.exec(readFileSync(f, 'utf8'))
      if (left)
        this.note(`${relative(process.cwd(), f)}: fill in ${left[1]} (or make it again with ${left[2]}); until then it stops when run`)
    }
  }

  private options(): MakeOptions {
    const f = this.flags
    const all: MakeOptions = {
      table: f.table,
      column: f.column,
      columns: f.columns,
      type: f.type,
      fromType: f['from-type'],
      default: f.default,
      nullable: f.nullable,
      ref: f.ref,
      onDelete: f['on-delete'],
      onUpdate: f['on-update'],
      to: f.to,
      values: f.values,
      set: f.set,
      batch: f.batch,
    }
    return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as MakeOptions
  }

  /** Every installed tool's built-in templates (a plugin's `templates/` folder), with `--project`'s own overrides. */
  private async list(): Promise<void> {
    const sources: { tool: string; builtIn: string; projectDir?: string }[] = [
      { tool: 'sql', builtIn: join(this.config.root, 'templates', 'sql') },
    ]
    const hooked = await this.config.runHook('mig:adapters', {})
    for (const { plugin, result } of hooked.successes) {
      for (const adapter of [result].flat() as { tool?: unknown; sqlTemplates?: unknown }[]) {
        const dir = join(plugin.root, 'templates')
        if (typeof adapter?.tool === 'string' && existsSync(dir))
          sources.push({ tool: adapter.tool, builtIn: dir, ...(adapter.sqlTemplates === true ? { sql: true } : {}) })
      }
    }
    let selected = sources
    if (this.flags.project?.length) {
      const ws = await this.workspace()
      selected = ws.projects.flatMap((p) => sources.filter((s) => s.tool === p.tool).map((s) => ({ ...s, projectDir: p.dir })))
    }
    const templates = listTemplates(selected)
    if (this.flags.json) return this.printJson({ templates, exitCode: 0 })
    this.out(
      table(
        ['TOOL', 'TEMPLATE', 'FLAGS', 'WHAT IT WRITES'],
        templates.map((t) => [
          t.tool,
          t.name,
          flagsText(t),
          t.source === 'project' ? `the project's own (${t.summary || 'no summary'})` : t.summary,
        ]),
      ),
    )
  }
}

const flagsText = (t: TemplateInfo): string =>
  t.options.map((o) => (o.required ? o.flag : `[${o.flag}${o.default !== undefined ? ` ${o.default}` : ''}]`)).join(' ') || '-'
