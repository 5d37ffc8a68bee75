import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { writeFileAtomic } from './write-atomic.js'

/**
 * The adapter index: what oclif's plugin discovery found, written by oclif
 * (src/hooks/adapter-index.ts) for the fast dispatcher (src/fast-status.ts),
 * which trusts it only while its fingerprint still matches. oclif stays the
 * only place that discovers plugins; the fast path only checks that nothing
 * changed since it last did.
 *
 * The fingerprint: mig's version and root, the data dir, the content of the
 * data dir's package.json (the installed and linked plugin list), and size and
 * mtime of every plugin's package.json and `mig:adapters` hook file.
 */
export interface AdapterIndex {
  format: typeof FORMAT
  mig: string
  root: string
  dataDir: string
  /** path → fingerprint (see fingerprintFile); null: the file did not exist. */
  files: Record<string, string | null>
  /** Every plugin's `mig:adapters` hook, in oclif's plugin order. */
  adapters: { plugin: string; file: string; identifier: string }[]
  /** Why the fast path must leave this install to oclif (a plugin with other hooks), if it must. */
  decline?: string
}

const FORMAT = 1

/** Events a command run fires (oclif's lifecycle, mig's own); others (plugins:*, update, command_not_found…) cannot fire in a fast run. */
const firesInARun = (event: string): boolean =>
  ['init', 'preparse', 'prerun', 'postrun', 'finally'].includes(event) || event.startsWith('mig:')

/** The parts of oclif's Config the index is built from (structural: this module never loads oclif). */
export interface PluginSource {
  root: string
  version: string
  dataDir: string
  cacheDir: string
  getPluginsList(): { name: string; root: string; type: string; hooks: Record<string, { target: string; identifier: string }[]> }[]
}

/** One index per mig install, so two installs sharing a cache dir do not take turns rewriting it. */
export const indexFile = (cacheDir: string, root: string): string =>
  join(cacheDir, `adapter-index-${createHash('sha1').update(root).digest('hex').slice(0, 12)}.json`)

function fingerprintFile(file: string, content: boolean): string | null {
  try {
    if (content) return createHash('sha1').update(readFileSync(file)).digest('hex')
    const s = statSync(file)
    return `${s.size}:${s.mtimeMs}`
  } catch {
    return null
  }
}

const isPluginList = (file: string, dataDir: string): boolean => file === join(dataDir, 'package.json')

export function buildIndex(config: PluginSource): AdapterIndex {
  const files: Record<string, string | null> = { [join(config.dataDir, 'package.json')]: null }
  const adapters: AdapterIndex['adapters'] = []
  let decline: string | undefined
  for (const plugin of config.getPluginsList()) {
    files[join(plugin.root, 'package.json')] = null
    for (const [event, hooks] of Object.entries(plugin.hooks)) {
      if (event !== 'mig:adapters') {
        // mig's own hooks only write this index; another plugin's hook on a run's events oclif must run.
        if (plugin.root !== config.root && firesInARun(event)) decline ??= `plugin ${plugin.name} has a hook on ${event}`
        continue
      }
      for (const hook of hooks) {
        const file = resolve(plugin.root, hook.target)
        files[file] = null
        adapters.push({ plugin: plugin.name, file, identifier: hook.identifier })
      }
    }
  }
  const loaded = new Set(config.getPluginsList().map((p) => p.name))
  for (const listed of pluginList(config.dataDir)) {
    files[join(listed.root, 'package.json')] = null
    // oclif warned that it could not load it: a warning the fast path would not repeat.
    if (!loaded.has(listed.name)) decline ??= `plugin ${listed.name} did not load`
  }
  for (const file of Object.keys(files)) files[file] = fingerprintFile(file, isPluginList(file, config.dataDir))
  for (const { plugin, file } of adapters) if (files[file] === null) decline ??= `plugin ${plugin}: ${file} not found`
  return {
    format: FORMAT,
    mig: config.version,
    root: config.root,
    dataDir: config.dataDir,
    files,
    adapters,
    ...(decline ? { decline } : {}),
  }
}

/** The installed and linked plugins the data dir's package.json lists, and where each lives. */
function pluginList(dataDir: string): { name: string; root: string }[] {
  let entries: unknown
  try {
    entries = (JSON.parse(readFileSync(join(dataDir, 'package.json'), 'utf8')) as { oclif?: { plugins?: unknown } }).oclif?.plugins
  } catch {
    return []
  }
  if (!Array.isArray(entries)) return []
  return entries.flatMap((e: { type?: unknown; name?: unknown; root?: unknown }) => {
    if (typeof e?.name !== 'string') return []
    if (e.type === 'link' && typeof e.root === 'string') return [{ name: e.name, root: e.root }]
    return e.type === 'user' ? [{ name: e.name, root: join(dataDir, 'node_modules', e.name) }] : []
  })
}

/** Write the index if it changed: oclif calls this on every run, so an unchanged install costs a read, not a write. */
export function writeIndex(config: PluginSource): void {
  const index = buildIndex(config)
  const file = indexFile(config.cacheDir, config.root)
  const text = `${JSON.stringify(index, null, 2)}\n`
  try {
    if (readFileSync(file, 'utf8') === text) return
  } catch {
    // none yet
  }
  // Atomic: a concurrent fast path reads the old index or the new one, never half of one.
  writeFileAtomic(file, text)
}

/** Where oclif puts its cache and data for mig (Config.cacheDir/dataDir), without loading oclif. */
export function oclifDirs(bin = 'mig'): { cacheDir: string; dataDir: string } {
  const home = process.env.HOME || homedir()
  const scoped = (name: string) => process.env[`${bin.toUpperCase()}_${name}`]
  const xdg = (category: 'cache' | 'data') =>
    join(process.env[`XDG_${category.toUpperCase()}_HOME`] || join(home, category === 'data' ? '.local/share' : '.cache'), bin)
  const cacheDir = scoped('CACHE_DIR') || (process.platform === 'darwin' ? join(home, 'Library', 'Caches', bin) : xdg('cache'))
  return { cacheDir, dataDir: scoped('DATA_DIR') || xdg('data') }
}

/** The index if the install is still the one it describes, or why not. */
export function readIndex(root: string, version: string): AdapterIndex | string {
  const { cacheDir, dataDir } = oclifDirs()
  let index: AdapterIndex
  try {
    index = JSON.parse(readFileSync(indexFile(cacheDir, root), 'utf8')) as AdapterIndex
  } catch {
    return 'no adapter index yet'
  }
  if (index.format !== FORMAT || index.mig !== version || index.root !== root || index.dataDir !== dataDir)
    return 'adapter index of another install'
  for (const [file, print] of Object.entries(index.files)) {
    if (fingerprintFile(file, isPluginList(file, dataDir)) !== print) return `adapter index stale (${file} changed)`
  }
  return index.decline ?? index
}
