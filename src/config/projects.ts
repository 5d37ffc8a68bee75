import { basename, dirname, relative, resolve } from 'node:path'
import type { Adapter, ProjectMarker, ProjectRef } from '../adapter.js'
import { FileIndex, type SkippedDir } from './find-files.js'
import type { LoadedConfig } from './load.js'
import type { TargetsConfig } from './schema.js'
import { knownTools } from './tools.js'

export interface Project extends ProjectRef {
  /** Directory relative to the repository root, for output. */
  relDir: string
  /** Undefined when the tool's plugin is not installed. */
  adapter: Adapter | undefined
  /** A fleet (mig.config's `targets`): the same project against each target's database in turn (src/fleet). */
  targets?: TargetsConfig
  /** The fleet target this copy of the project runs against: its backups are named after it too. */
  target?: string
}

/** The projects of the repository: from the config, or detected when it lists none. */
export async function resolveProjects(
  loaded: LoadedConfig,
  root: string,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<{ projects: Project[]; detected: boolean; skipped: readonly SkippedDir[] }> {
  const configured = loaded.config.projects
  if (configured) {
    const projects = configured.map((p) => {
      const dir = resolve(loaded.dir, p.dir)
      return {
        name: p.name,
        tool: p.tool,
        dir,
        relDir: relative(root, dir) || '.',
        options: { ...p.options, ...(p.url !== undefined ? { url: p.url } : {}), ...(p.env !== undefined ? { env: p.env } : {}) },
        adapter: adapters.get(p.tool),
        ...(p.targets !== undefined ? { targets: p.targets } : {}),
      }
    })
    return { projects, detected: false, skipped: [] }
  }
  return { ...(await detect(root, adapters)), detected: true }
}

/** Every project under `root` (see `detect`). */
export async function detectProjects(root: string, adapters: ReadonlyMap<string, Adapter>): Promise<Project[]> {
  return (await detect(root, adapters)).projects
}

/**
 * Every project under `root`, found by the markers of every tool mig knows
 * (installed or not) and of every plugin's own tool, named and placed by one
 * rule: so installing a plugin never renames a project. Folders that git
 * ignores or that hold vendored code, fixtures or examples are not searched
 * (`ignoredDirs`): a project's tool config is code that mig runs.
 */
export async function detect(
  root: string,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<{ projects: Project[]; skipped: readonly SkippedDir[] }> {
  const files = new FileIndex(root)
  const tools = new Map<string, readonly ProjectMarker[]>(Object.entries(knownTools).map(([tool, t]) => [tool, t.markers]))
  for (const adapter of adapters.values()) if (!tools.has(adapter.tool) && adapter.markers) tools.set(adapter.tool, adapter.markers)
  const found = new Map<string, ProjectRef>()
  for (const [tool, markers] of tools) {
    for (const marker of markers) {
      for (const file of await files.find([marker.glob], { dot: marker.dot ?? false })) {
        const hit = marker.project ? marker.project(file) : { dir: dirname(file) }
        const key = `${tool}\0${hit?.dir}`
        if (hit && !found.has(key)) found.set(key, { name: basename(hit.dir), tool, dir: hit.dir, options: hit.options ?? {} })
      }
    }
  }
  const sorted = [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir) || a.tool.localeCompare(b.tool))
  const projects = uniqueNames(sorted).map((p) => ({ ...p, relDir: relative(root, p.dir) || '.', adapter: adapters.get(p.tool) }))
  return { projects, skipped: files.skipped }
}

/** `services/billing` → `billing`; when two collide, the parent joins (`services-billing`), then the tool. */
function uniqueNames(projects: ProjectRef[]): ProjectRef[] {
  const count = (names: string[], n: string) => names.filter((x) => x === n).length
  let names = projects.map((p) => p.name)
  names = names.map((n, i) => (count(names, n) > 1 ? `${basename(dirname(projects[i]!.dir))}-${n}` : n))
  names = names.map((n, i) => (count(names, n) > 1 ? `${n}-${projects[i]!.tool}` : n))
  return projects.map((p, i) => ({ ...p, name: names[i]! }))
}
