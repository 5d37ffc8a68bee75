import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as v from 'valibot'
import { createLoader } from '../core/kit/load.js'
import { ExitCode, MigError, errorMessage } from '../output/errors.js'
import { type MigConfig, configSchema, targetName } from './schema.js'

export const configFiles = ['mig.config.json', 'mig.config.js', 'mig.config.mjs', 'mig.config.ts'] as const

export interface LoadedConfig {
  config: MigConfig
  /** The file it came from; undefined when there is none and projects are detected. */
  file: string | undefined
  /** Directory that relative paths in the config resolve against. */
  dir: string
}

/** Find and load mig.config.* (or package.json "mig") in `root`, or the file `--config` names. */
export async function loadConfig(root: string, explicit: string | undefined, tools: ReadonlySet<string>): Promise<LoadedConfig> {
  const file = explicit ? resolve(root, explicit) : findConfig(root)
  if (!file) return { config: {}, file: undefined, dir: root }
  if (!existsSync(file)) {
    throw new MigError(
      'CONFIG_NOT_FOUND',
      `config file ${file} does not exist`,
      'check the --config path, or run `mig init` to write one',
      { exit: 2 },
    )
  }
  const raw = await readConfigFile(file)
  return { config: validate(raw, file, tools), file, dir: dirname(file) }
}

function findConfig(root: string): string | undefined {
  for (const name of configFiles) {
    const path = resolve(root, name)
    if (existsSync(path)) return path
  }
  const pkg = resolve(root, 'package.json')
  if (existsSync(pkg)) {
    try {
      if ((JSON.parse(readFileSync(pkg, 'utf8')) as Record<string, unknown>).mig !== undefined) return pkg
    } catch {
      return undefined
    }
  }
  return undefined
}

async function readConfigFile(file: string): Promise<unknown> {
  const name = basename(file)
  if (file.endsWith('.json')) {
    const text = readFileSync(file, 'utf8')
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new MigError(
        'CONFIG_JSON',
        `${name} is not valid JSON: ${jsonErrorWhere(name, errorMessage(error), text)}`,
        'fix the syntax (a trailing comma or a missing quote is the usual cause)',
      )
    }
    return name === 'package.json' ? (parsed as Record<string, unknown>).mig : parsed
  }
  try {
    if (file.endsWith('.ts')) return await createLoader(file, { moduleCache: true })(file)
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
    return mod.default
  } catch (error) {
    throw new MigError(
      'CONFIG_LOAD',
      `${name} failed to load: ${errorMessage(error).split('\n')[0]}`,
      `run \`node ${name}\` to see the full error`,
      { cause: error },
    )
  }
}

/**
 * `file:line:column: reason`, the place an editor jumps to. Node 20's
 * JSON.parse says "at position N" for most mistakes, nothing for the end of
 * the input, and for an unexpected token only the token and the text around
 * it (at most 10 characters either side, or the whole text when short).
 */
export function jsonErrorWhere(name: string, message: string, text: string): string {
  let reason = message.replace(/( in JSON)? at position \d+.*$/s, '')
  let position = Number(/ at position (\d+)/.exec(message)?.[1] ?? Number.NaN)
  const token = /^(Unexpected token '([\s\S])'), (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message)
  if (token) {
    const [, what, char, before, context] = token as unknown as [string, string, string, string | undefined, string]
    reason = what
    if (before) position = text.indexOf(context) + 10
    else if (token[5]) position = context.length - 10
    // The whole text is shown: the first such character that JSON.parse stumbles on.
    else position = [...text].findIndex((c, i) => c === char && stumbles(text.slice(0, i + 1), what))
  } else if (/^Unexpected end of JSON input/.test(message)) {
    position = text.trimEnd().length
  }
  if (!(position >= 0)) return `${name}: ${reason}`
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  return `${name}:${line}:${column}: ${reason}`
}

function stumbles(prefix: string, what: string): boolean {
  try {
    JSON.parse(prefix)
    return false
  } catch (error) {
    return errorMessage(error).startsWith(what)
  }
}

/** Every problem at once, each with its key path and a hint. */
function validate(raw: unknown, file: string, tools: ReadonlySet<string>): MigConfig {
  refuseEmpty(raw, file)
  const result = v.safeParse(configSchema, raw, { abortEarly: false })
  const problems = [...(result.issues ?? []).map(describeIssue), ...checkProjects(raw, dirname(file), tools)]
  if (problems.length || !result.success) throw configProblems(file, problems)
  return result.output
}

/**
 * A config that says nothing (`null`, `[]`, no default export, no projects) is a mistake,
 * not a request to detect: detection runs the tool configs it finds, which a
 * config exists to prevent.
 */
function refuseEmpty(raw: unknown, file: string): void {
  const where = basename(file) === 'package.json' ? 'package.json "mig"' : basename(file)
  const hint =
    'give it the form {"projects": [{"name": …, "tool": …, "dir": …}]} (`mig init --force` writes it), or delete it to detect the projects'
  if (raw === undefined) throw new MigError('CONFIG_INVALID', `${where} exports no config`, hint)
  if (raw === null) throw new MigError('CONFIG_INVALID', `${where} is null, not a config object`, hint)
  if (Array.isArray(raw)) throw new MigError('CONFIG_INVALID', `${where} is a list, not a config object`, hint)
  if (Array.isArray((raw as { projects?: unknown }).projects) && !(raw as { projects: unknown[] }).projects.length) {
    throw new MigError(
      'NO_PROJECTS',
      'no projects found',
      `${where} lists no projects: pass --cwd <repository root> if this is not it, or list them (\`mig init --force\` writes them), or remove "projects" to detect them`,
      { exit: ExitCode.usage },
    )
  }
}

/** What the schema cannot know: installed tools, directories on disk, unique names. */
function checkProjects(raw: unknown, base: string, tools: ReadonlySet<string>): string[] {
  const projects = (raw as { projects?: unknown } | undefined)?.projects
  if (!Array.isArray(projects)) return []
  const problems: string[] = []
  const seen = new Map<string, number>()
  projects.forEach((p: Record<string, unknown> | null, i) => {
    if (!p || typeof p !== 'object') return
    const { name, tool, dir, outside } = p
    if (typeof tool === 'string' && tool && !tools.has(tool)) {
      problems.push(`projects[${i}].tool: unknown tool "${tool}" (known: ${[...tools].sort().join(', ')})`)
    }
    if (typeof dir === 'string' && dir && !existsSync(resolve(base, dir))) {
      problems.push(`projects[${i}].dir: directory "${dir}" does not exist (paths are relative to the config file)`)
    } else if (typeof dir === 'string' && dir && outside !== true && isOutside(base, dir)) {
      problems.push(
        `projects[${i}].dir: "${dir}" is outside the repository, and mig would run its tool config (add "outside": true to this project if that is meant)`,
      )
    }
    if (p.targets !== undefined) problems.push(...checkTargets(p.targets, `projects[${i}].targets`))
    if (typeof name === 'string') {
      const first = seen.get(name)
      if (first !== undefined) problems.push(`projects[${i}].name: "${name}" is already used by projects[${first}] (names must be unique)`)
      else seen.set(name, i)
    }
  })
  return problems
}

/** A fleet's `targets`: a list of rows, `{file}`, or `{query, url}`; each problem with its key path. */
function checkTargets(targets: unknown, at: string): string[] {
  const forms = 'a list of {"name", "url"} (or {"name", "schema"}), {"file": …} or {"query": …, "url": …}'
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== ''
  if (Array.isArray(targets)) {
    const problems: string[] = []
    const seen = new Map<string, number>()
    targets.forEach((row: unknown, j) => {
      const here = `${at}[${j}]`
      if (!row || typeof row !== 'object' || Array.isArray(row))
        return problems.push(`${here}: expected {"name", "url"} or {"name", "schema"}`)
      const r = row as Record<string, unknown>
      for (const key of Object.keys(r))
        if (!['name', 'url', 'schema'].includes(key))
          problems.push(`${here}.${key}: unknown key (a target has name and url, or name and schema)`)
      if (!filled(r.name)) problems.push(`${here}.name: required, but it is missing`)
      else if (!targetName.test(r.name as string))
        problems.push(`${here}.name: "${String(r.name)}": letters, digits, ".", "_" and "-" only`)
      else if (seen.has(r.name as string))
        problems.push(`${here}.name: "${String(r.name)}" is already used by ${at}[${seen.get(r.name as string)}]`)
      else seen.set(r.name as string, j)
      if (filled(r.url) === filled(r.schema))
        problems.push(
          `${here}: give either url (another database) or schema (a PostgreSQL schema), ${filled(r.url) ? 'not both' : 'one of them'}`,
        )
      return undefined
    })
    if (!targets.length) problems.push(`${at}: the list is empty (${forms})`)
    return problems
  }
  if (targets && typeof targets === 'object') {
    const t = targets as Record<string, unknown>
    const keys = Object.keys(t).sort().join(',')
    if (keys === 'file') return filled(t.file) ? [] : [`${at}.file: must be a path (JSON, YAML or CSV), relative to the config file`]
    if (keys === 'query,url') {
      return [
        ...(filled(t.query) ? [] : [`${at}.query: must be a query returning name and url (or name and schema)`]),
        ...(filled(t.url) ? [] : [`${at}.url: must be the control database's URL`]),
      ]
    }
    if ('query' in t && !('url' in t)) return [`${at}.url: required with query: the control database's URL ("\${CONTROL_DATABASE_URL}")`]
  }
  return [`${at}: expected ${forms}`]
}

/** `dir` leaves `base`, also through a symbolic link. */
function isOutside(base: string, dir: string): boolean {
  const rel = relative(realpathSync(base), realpathSync(resolve(base, dir)))
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)
}

export function configProblems(file: string, problems: string[]): MigError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
  return new MigError('CONFIG_INVALID', `${basename(file)} has ${count}`, 'fix each key listed above; DESIGN.md §6 shows the format', {
    details: problems,
  })
}

export const keyPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') ||
  '(root)'

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const at = keyPath((issue.path ?? []).map((p) => p.key as PropertyKey))
  const expected = (issue.expected ?? '').toLowerCase()
  if (issue.type === 'strict_object' && issue.expected === 'never') return `${at}: unknown key (remove it, or check its spelling)`
  if (issue.received === 'undefined') return `${at}: required, but it is missing`
  if (issue.type === 'picklist')
    return `${at}: must be one of ${expected
      .replace(/^\(|\)$/g, '')
      .split(' | ')
      .join(', ')}`
  if (issue.kind === 'validation') return `${at}: ${issue.message.replace(/^Invalid \w+: /, '')}`
  return `${at}: expected ${expected}, got ${issue.received}`
}
