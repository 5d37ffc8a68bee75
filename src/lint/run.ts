import type { Migration } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { installCommand } from '../config/tools.js'
import type { DatabaseTarget } from '../db/types.js'
import { type Workspace, closeAll, openSession } from '../core/workspace.js'
import { MigError, usageError } from '../output/errors.js'
import { didYouMean } from '../output/suggest.js'
import type { LintConfig } from './config.js'
import { lint } from './engine.js'
import type { LintReport, NotLinted } from './format.js'
import { rules } from './rules/index.js'
import { capturedLintMigrations } from './sources/captured.js'
import { sqlLintMigration } from './sources/sql.js'
import type { LintMigration } from './types.js'

export interface LintOptions {
  /** Lint the migrations after this id in the project that has it (a pull request's new ones); other projects: their pending ones. */
  from?: string
  /** Every migration, applied or not. */
  all?: boolean
  config?: LintConfig
}

/** Tools whose SQL lint reads straight from their files. The others' is captured by running them on a scratch database. */
const fromFiles = new Set(['sql'])

/** `mig lint` as a library call: the selected projects' migrations, linted. */
export async function lintWorkspace(ws: Workspace, options: LintOptions = {}): Promise<LintReport> {
  checkConfig(options.config)
  const notLinted: NotLinted[] = []
  const lists = new Map<Project, { target: DatabaseTarget; migrations: Migration[] }>()
  for (const project of ws.projects) {
    if (!project.adapter) {
      const install = installCommand(project.tool)
      notLinted.push({ project: project.name, tool: project.tool, reason: `its plugin is not installed${install ? ` (${install})` : ''}` })
      continue
    }
    const session = await openSession({ ...ws, readOnly: true }, project)
    try {
      lists.set(project, { target: session.target, migrations: await session.list() })
    } finally {
      await closeAll([session])
    }
  }
  const owner = options.from === undefined ? undefined : [...lists].find(([, l]) => l.migrations.some((m) => m.id === options.from))?.[0]
  if (options.from !== undefined && !owner) {
    throw usageError(
      'LINT_FROM_UNKNOWN',
      `--from ${options.from}: no linted project has that migration`,
      'pass the id as `mig status` shows it',
    )
  }
  const migrations: LintMigration[] = []
  for (const [project, { target, migrations: list }] of lists) {
    const selected = select(list, project === owner ? options.from : undefined, options.all === true)
    if (!fromFiles.has(project.tool)) {
      const captured = await capturedLintMigrations(ws, project, target, selected)
      migrations.push(...captured.migrations)
      if (captured.stopped) notLinted.push({ project: project.name, tool: project.tool, reason: captured.stopped })
    } else for (const m of selected) migrations.push(await sqlLintMigration(project.name, m, target.dialect))
  }
  return { ...(await lint(migrations, options.config)), migrations: migrations.length, notLinted }
}

function select(list: Migration[], from: string | undefined, all: boolean): Migration[] {
  const onDisk = list.filter((m) => m.state !== 'missing')
  if (from !== undefined) return onDisk.slice(onDisk.findIndex((m) => m.id === from) + 1)
  return all ? onDisk : onDisk.filter((m) => m.state === 'pending' || m.state === 'failed')
}

/** An unknown rule code in `lint.rules` is a typo that would silently keep the rule on. */
function checkConfig(config: LintConfig | undefined): void {
  const codes = rules.map((r) => r.code)
  const unknown = Object.keys(config?.rules ?? {}).filter((code) => !codes.includes(code))
  if (!unknown.length) return
  const meant = didYouMean(unknown[0]!, codes)
  throw new MigError(
    'CONFIG_INVALID',
    `lint.rules: unknown rule ${unknown.map((c) => `"${c}"`).join(', ')}`,
    `${meant ? `did you mean "${meant}"? ` : ''}the rules are: ${codes.join(', ')}`,
  )
}
