import { createRequire } from 'node:module'
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as v from 'valibot'
import { MigError, errorMessage } from '../output/errors.js'
import { type MigConfig, configSchema } from './schema.js'

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
    throw new MigError('CONFIG_NOT_FOUND', `config file ${file} does not exist`, 'check the --config path, or run `mig init` to write one', { exit: 2 })
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
      throw new MigError('CONFIG_JSON', `${name} is not valid JSON: ${jsonErrorWhere(errorMessage(error), text)}`, 'fix the syntax (a trailing comma or a missing quote is the usual cause)')
    }
    return name === 'package.json' ? (parsed as Record<string, unknown>).mig : parsed
  }
  try {
    if (file.endsWith('.ts')) {
      // jiti's CommonJS entry loads in half the time of its ESM one (~15 ms against ~30).
      const { createJiti } = createRequire(import.meta.url)('jiti') as typeof import('jiti')
      return await createJiti(import.meta.url, { interopDefault: true }).import(file, { default: true })
    }
    const mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
    return mod.default
  } catch (error) {
    throw new MigError('CONFIG_LOAD', `${name} failed to load: ${errorMessage(error).split('\n')[0]}`, `run \`node ${name}\` to see the full error`, { cause: error })
  }
}

function jsonErrorWhere(message: string, text: string): string {
  const position = /position (\d+)/.exec(message)?.[1]
  if (!position) return message
  const before = text.slice(0, Number(position))
  const line = before.split('\n').length
  const column = Number(position) - before.lastIndexOf('\n')
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`
}

/** Every problem at once, each with its key path and a hint. */
function validate(raw: unknown, file: string, tools: ReadonlySet<string>): MigConfig {
  const result = v.safeParse(configSchema, raw ?? {}, { abortEarly: false })
  const problems = [...(result.issues ?? []).map(describeIssue), ...checkProjects(raw, dirname(file), tools)]
  if (problems.length || !result.success) throw configProblems(file, problems)
  return result.output
}

/** What the schema cannot know: installed tools, directories on disk, unique names. */
function checkProjects(raw: unknown, base: string, tools: ReadonlySet<string>): string[] {
  const projects = (raw as { projects?: unknown } | undefined)?.projects
  if (!Array.isArray(projects)) return []
  const problems: string[] = []
  const seen = new Map<string, number>()
  projects.forEach((p: Record<string, unknown> | null, i) => {
    if (!p || typeof p !== 'object') return
    const { name, tool, dir } = p
    if (typeof tool === 'string' && tool && !tools.has(tool)) {
      problems.push(`projects[${i}].tool: unknown tool "${tool}" (known: ${[...tools].sort().join(', ')})`)
    }
    if (typeof dir === 'string' && dir && !existsSync(resolve(base, dir))) {
      problems.push(`projects[${i}].dir: directory "${dir}" does not exist (paths are relative to the config file)`)
    }
    if (typeof name === 'string') {
      const first = seen.get(name)
      if (first !== undefined) problems.push(`projects[${i}].name: "${name}" is already used by projects[${first}] (names must be unique)`)
      else seen.set(name, i)
    }
  })
  return problems
}

export function configProblems(file: string, problems: string[]): MigError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
  return new MigError('CONFIG_INVALID', `${basename(file)} has ${count}`, 'fix each key listed above; DESIGN.md §6 shows the format', {
    details: problems,
  })
}

export const keyPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') || '(root)'

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const at = keyPath((issue.path ?? []).map((p) => p.key as PropertyKey))
  const expected = (issue.expected ?? '').toLowerCase()
  if (issue.type === 'strict_object' && issue.expected === 'never') return `${at}: unknown key (remove it, or check its spelling)`
  if (issue.received === 'undefined') return `${at}: required, but it is missing`
  if (issue.type === 'picklist') return `${at}: must be one of ${expected.replace(/^\(|\)$/g, '').split(' | ').join(', ')}`
  if (issue.kind === 'validation') return `${at}: ${issue.message.replace(/^Invalid \w+: /, '')}`
  return `${at}: expected ${expected}, got ${issue.received}`
}
