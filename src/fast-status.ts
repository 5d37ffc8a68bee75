import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { Adapter } from './adapter.js'
import { sqlAdapter } from './adapters/sql/adapter.js'
import { status } from './core/status.js'
import { openWorkspace } from './core/workspace.js'
import { redact, redactValue } from './output/redact.js'
import { renderStatus } from './output/status-text.js'

/**
 * `mig status` without the CLI framework. Loading oclif, its plugin discovery
 * and the command class is ~110 ms of a ~200 ms status run, and status is the
 * command people (and CI) run most. This path handles the plain case only:
 * the flags below, plugins that contribute nothing but `mig:adapters` hooks,
 * and a workspace that opens with an adapter for every project. Anything
 * else (--help, --debug, an unknown flag, a plugin with an init or prerun
 * hook, a bad config, a plugin that fails to load, a project whose plugin it
 * does not find, no projects at all) returns undefined before anything is
 * printed, and bin/run.js runs the command through oclif as usual, which gives
 * the usual errors and their exit code (always 1 for status: MigCommand.catch).
 * Status only reads, so doing its first steps twice is harmless.
 *
 * Disable it with MIG_FAST_PATH=0; DEBUG=mig:fast says which path ran and why.
 */
export async function fastStatus(argv: string[]): Promise<number | undefined> {
  const decline = (why: string): undefined => {
    trace(`declined (${why})`)
    return undefined
  }
  const flags = parseFlags(argv)
  if (!flags) return decline('flags it does not handle')
  const plugins = pluginHooks()
  if (typeof plugins === 'string') return decline(plugins)
  const adapters = new Map<string, Adapter>([[sqlAdapter.tool, sqlAdapter]])
  for (const hook of plugins) {
    let contributed: unknown
    try {
      const mod = (await import(pathToFileURL(hook.file).href)) as { default?: unknown }
      if (typeof mod.default !== 'function') return decline(`${hook.plugin}: its mig:adapters hook has no default export`)
      contributed = await (mod.default as (options: object) => unknown)({})
    } catch {
      return decline(`${hook.plugin}: its mig:adapters hook failed`)
    }
    for (const adapter of [contributed].flat() as (Adapter | undefined)[]) if (adapter?.tool) adapters.set(adapter.tool, adapter)
  }
  const notes: string[] = []
  const { json, ...where } = flags
  let ws
  let result
  try {
    ws = await openWorkspace({ ...where, readOnly: true, adapters, warn: (m) => notes.push(m) })
    if (!ws.projects.length) return decline('no projects')
    // A project without its plugin: maybe not installed, maybe installed where this path does not look. oclif knows.
    const orphan = ws.projects.find((p) => !p.adapter)
    if (orphan) return decline(`no plugin found for ${orphan.name} (${orphan.tool})`)
    result = await status(ws, { checksums: json })
  } catch {
    return decline('the workspace did not open, or status failed')
  }
  const note = (line: string) => process.stderr.write(`${redact(line)}\n`)
  for (const line of notes) note(line)
  if (json) process.stdout.write(`${JSON.stringify(redactValue(result), null, 2)}\n`)
  else renderStatus(result, ws.detected, { out: (line) => process.stdout.write(`${redact(line)}\n`), note }, ws.skipped)
  trace('handled')
  return result.exitCode
}

function trace(message: string): void {
  if (/(^|,)\s*mig(:fast|:\*|\*)/.test(process.env.DEBUG ?? '')) process.stderr.write(`mig:fast status ${message}\n`)
}

interface StatusFlags {
  projects?: string[]
  env?: string
  json: boolean
  config?: string
  cwd?: string
  timeoutSeconds?: number
}

/** The global flags status takes (MigCommand.baseFlags, less --debug); a test checks them against oclif's manifest. */
export const fastStatusFlags = {
  project: { type: 'string', short: 'p', multiple: true },
  env: { type: 'string' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  cwd: { type: 'string' },
  timeout: { type: 'string' },
} as const

function parseFlags(argv: string[]): StatusFlags | undefined {
  try {
    const { values, tokens } = parseArgs({ args: argv, options: fastStatusFlags, strict: true, allowPositionals: false, tokens: true })
    // oclif refuses a repeated single-valued flag; leave that message to it.
    const seen = tokens.filter((t) => t.kind === 'option' && t.name !== 'project').map((t) => (t as { name: string }).name)
    if (new Set(seen).size !== seen.length) return undefined
    if ([values.env, values.config, values.cwd, ...(values.project ?? [])].some((v) => v === '' || v?.startsWith('-'))) return undefined
    // Anything but a positive integer: oclif's message.
    if (values.timeout !== undefined && !/^[1-9]\d*$/.test(values.timeout)) return undefined
    return {
      ...(values.project ? { projects: values.project } : {}),
      ...(values.env !== undefined ? { env: values.env } : {}),
      ...(values.config !== undefined ? { config: values.config } : {}),
      ...(values.cwd !== undefined ? { cwd: values.cwd } : {}),
      ...(values.timeout !== undefined ? { timeoutSeconds: Number(values.timeout) } : {}),
      json: values.json === true,
    }
  } catch {
    return undefined
  }
}

interface PackageJson {
  name?: string
  oclif?: {
    plugins?: unknown[]
    devPlugins?: unknown[]
    hooks?: Record<string, unknown>
  }
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson

/** Hooks oclif would run in a `status` run besides mig:adapters; a plugin with any of them goes through oclif. */
const runHooks = ['init', 'preparse', 'prerun', 'postrun', 'finally']

/**
 * The `mig:adapters` hook files of every plugin oclif would load, in oclif's
 * order (user-installed, then linked, then core), or why this path declines.
 */
function pluginHooks(): { plugin: string; file: string }[] | string {
  if (process.platform === 'win32') return 'Windows data folders'
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const roots: { name: string; root: string }[] = []
  const own = readJson(join(root, 'package.json'))
  if (own.oclif?.devPlugins?.length) return 'dev plugins'
  const dataDir = process.env.MIG_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'mig')
  const userFile = join(dataDir, 'package.json')
  if (existsSync(userFile)) {
    let entries: unknown[]
    try {
      entries = readJson(userFile).oclif?.plugins ?? []
    } catch {
      return 'unreadable plugin list'
    }
    const typed = (type: string) => entries.filter((e): e is { type: string; name: string; root?: string } => typeof e === 'object' && e !== null && (e as { type?: unknown }).type === type)
    if (entries.some((e) => typeof e !== 'object' || e === null)) return 'plugin list entries it does not know'
    for (const e of typed('user')) roots.push({ name: e.name, root: join(dataDir, 'node_modules', e.name) })
    for (const e of typed('link')) {
      if (!e.root) return `linked plugin ${e.name} without a root`
      roots.push({ name: e.name, root: e.root })
    }
  }
  for (const name of own.oclif?.plugins ?? []) {
    if (typeof name !== 'string') return 'core plugin entries it does not know'
    const found = packageDir(root, name)
    if (!found) return `core plugin ${name} not found`
    roots.push({ name, root: found })
  }
  const hooks: { plugin: string; file: string }[] = []
  const names = new Set<string>()
  for (const plugin of [{ name: own.name ?? 'mig', root }, ...roots]) {
    if (names.has(plugin.name)) return `plugin ${plugin.name} installed twice`
    names.add(plugin.name)
    let pjson: PackageJson
    try {
      pjson = readJson(join(plugin.root, 'package.json'))
    } catch {
      return `plugin ${plugin.name} unreadable`
    }
    if (plugin.root !== root && pjson.oclif?.plugins?.length) return `plugin ${plugin.name} brings plugins of its own`
    const declared = pjson.oclif?.hooks ?? {}
    const busy = runHooks.find((h) => h in declared)
    if (busy) return `plugin ${plugin.name} has a hook on ${busy}`
    const adapters = declared['mig:adapters']
    if (adapters === undefined) continue
    for (const target of [adapters].flat()) {
      if (typeof target !== 'string') return `plugin ${plugin.name}: a mig:adapters hook it does not know`
      const file = resolve(plugin.root, target)
      if (!existsSync(file)) return `plugin ${plugin.name}: ${target} not found`
      hooks.push({ plugin: plugin.name, file })
    }
  }
  return hooks
}

/** Where Node would find package `name` from `from`: the nearest node_modules/<name> upward. */
function packageDir(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}
