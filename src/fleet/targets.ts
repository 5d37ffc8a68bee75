import { readFile } from 'node:fs/promises'
import { extname, join, relative, resolve } from 'node:path'
import type { Project } from '../config/projects.js'
import { targetName } from '../config/schema.js'
import { projectEnv } from '../core/project-env.js'
import type { Workspace } from '../core/workspace.js'
import { parseDatabaseUrl } from '../db/url.js'
import { expandUrlVars } from '../core/url-vars.js'
import { MigError, errorMessage } from '../output/errors.js'
import { readTargetsQuery } from './control.js'
import { parseCsv } from './csv.js'

/** A fleet target, resolved: its URL expanded (and its password registered for redaction), or its schema. */
export type FleetTarget = { name: string; url: string; schema?: undefined } | { name: string; schema: string; url?: undefined }

/**
 * The targets of a fleet project, from its list, its file or its control
 * database's query, each row checked (a name, and a url or a schema) and
 * `${VAR}` in a url expanded by the project's environment rule. Read once per
 * run, before any target starts.
 */
export async function resolveTargets(project: Project, ws: Pick<Workspace, 'config' | 'timeoutSeconds'>): Promise<FleetTarget[]> {
  const spec = project.targets
  if (spec === undefined) return []
  let rows: unknown[]
  let source: string
  if (Array.isArray(spec)) {
    rows = spec
    source = `projects[].targets of ${project.name}`
  } else if ('file' in spec) {
    const file = resolve(ws.config.dir, spec.file)
    source = relative(ws.config.dir, file) || file
    rows = await readTargetsFile(project, file, source)
  } else {
    const url = expand(spec.url, project, 'the control database url')
    const control = parseDatabaseUrl(url, ws.config.dir)
    source = `the targets query on ${control.display}`
    rows = await readTargetsQuery(project, control, spec.query, ws.timeoutSeconds * 1000)
  }
  return checkRows(project, rows, source)
}

async function readTargetsFile(project: Project, file: string, shown: string): Promise<unknown[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : errorMessage(error)
    throw new MigError(
      'TARGETS_FILE',
      `${project.name}: cannot read its targets file ${shown}: ${why}`,
      "check targets.file in mig.config.json (relative to the config file) and the file's permissions",
      { cause: error },
    )
  }
  const ext = extname(file).toLowerCase()
  let parsed: unknown
  try {
    if (ext === '.json') parsed = JSON.parse(text)
    else if (ext === '.yaml' || ext === '.yml') parsed = (await import('yaml')).parse(text) as unknown
    else if (ext === '.csv') parsed = parseCsv(text)
    else
      throw new MigError(
        'TARGETS_FILE',
        `${project.name}: targets file ${shown} is not .json, .yaml, .yml or .csv`,
        'name the file after its format: tenants.json, tenants.yaml or tenants.csv (header row: name,url or name,schema)',
      )
  } catch (error) {
    if (error instanceof MigError) throw error
    throw new MigError(
      'TARGETS_FILE',
      `${project.name}: targets file ${shown} cannot be parsed: ${errorMessage(error).split('\n')[0]}`,
      'fix its syntax: a list of {name, url} or {name, schema} (CSV: a header row name,url or name,schema)',
      { cause: error },
    )
  }
  if (!Array.isArray(parsed)) {
    throw new MigError(
      'TARGETS_FILE',
      `${project.name}: targets file ${shown} holds ${parsed === null ? 'null' : typeof parsed}, not a list of targets`,
      'make it a list of {name, url} or {name, schema}',
    )
  }
  return parsed
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

/** Every problem of every row at once, as config problems are reported. */
function checkRows(project: Project, rows: unknown[], source: string): FleetTarget[] {
  const problems: string[] = []
  const seen = new Map<string, number>()
  const targets: FleetTarget[] = []
  rows.forEach((row, i) => {
    const at = `row ${i + 1}`
    if (!row || typeof row !== 'object' || Array.isArray(row)) return problems.push(`${at}: not an object with name and url (or schema)`)
    const r = row as Record<string, unknown>
    const name = typeof r.name === 'number' ? String(r.name) : text(r.name)
    const url = text(r.url)
    const schema = text(r.schema)
    if (!name) return problems.push(`${at}: no name`)
    if (!targetName.test(name)) return problems.push(`${at}: name "${name}" may hold only letters, digits, ".", "_" and "-"`)
    const first = seen.get(name)
    if (first !== undefined) return problems.push(`${at}: name "${name}" is already used by row ${first + 1} (names must be unique)`)
    seen.set(name, i)
    if (url && schema) return problems.push(`${at} (${name}): both url and schema (give one)`)
    if (!url && !schema) return problems.push(`${at} (${name}): neither url nor schema`)
    if (schema) return targets.push({ name, schema })
    try {
      const expanded = expand(url!, project, `target ${name}'s url`)
      // Parsed now: a bad URL is found before any target runs, and its password is registered for redaction.
      parseDatabaseUrl(expanded, project.dir)
      targets.push({ name, url: expanded })
    } catch (error) {
      problems.push(`${at} (${name}): ${errorMessage(error)}`)
    }
    return undefined
  })
  if (problems.length) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
    throw new MigError('TARGETS_INVALID', `${project.name}: ${source} has ${count}`, 'fix each row listed above', { details: problems })
  }
  if (!targets.length) {
    throw new MigError(
      'TARGETS_EMPTY',
      `${project.name}: ${source} gives no targets`,
      'list at least one {name, url} or {name, schema}, or remove "targets" to use the project\'s own database',
    )
  }
  return targets
}

/** `${VAR}` from the project's environment (exported, else its `.env`): a password need not sit in a file. */
const expand = (url: string, project: Project, what: string): string =>
  expandUrlVars(
    url,
    projectEnv(project.dir),
    (name) =>
      new MigError(
        'TARGETS_URL_VAR',
        `${project.name}: ${what} uses \${${name}}, which is not set`,
        `export ${name}=… or set it in ${join(project.dir, '.env')}`,
      ),
  )
