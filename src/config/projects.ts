import { basename, dirname, relative, resolve } from 'node:path'
import type { Adapter, ProjectRef } from '../adapter.js'
import { FileIndex } from './find-files.js'
import type { LoadedConfig } from './load.js'

/** Tools with a mig plugin, and the marker file (by name) that gives their projects away. */
export const pluginTools = {
  knex: { plugin: '@mig/plugin-knex', marker: /^knexfile\.(js|cjs|mjs|ts)$/ },
  typeorm: { plugin: '@mig/plugin-typeorm', marker: /^(data-source\.(ts|js)|ormconfig\.(json|js|ts|yml|yaml))$/ },
  prisma: { plugin: '@mig/plugin-prisma', marker: /^schema\.prisma$/ },
  sequelize: { plugin: '@mig/plugin-sequelize', marker: /^\.sequelizerc$/ },
} as const

export const installCommand = (tool: string): string | undefined =>
  tool in pluginTools ? `mig plugins install ${pluginTools[tool as keyof typeof pluginTools].plugin}` : undefined

export interface Project extends ProjectRef {
  /** Directory relative to the repository root, for output. */
  relDir: string
  /** Undefined when the tool's plugin is not installed. */
  adapter: Adapter | undefined
}

/** The projects of the repository: from the config, or detected when it lists none. */
export async function resolveProjects(loaded: LoadedConfig, root: string, adapters: ReadonlyMap<string, Adapter>): Promise<{ projects: Project[]; detected: boolean }> {
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
      }
    })
    return { projects, detected: false }
  }
  return { projects: await detectProjects(root, adapters), detected: true }
}

export async function detectProjects(root: string, adapters: ReadonlyMap<string, Adapter>): Promise<Project[]> {
  const found: ProjectRef[] = []
  const files = new FileIndex(root)
  for (const adapter of adapters.values()) found.push(...(await adapter.detect(root, files)))
  const uninstalled = Object.entries(pluginTools).filter(([tool]) => !adapters.has(tool))
  if (uninstalled.length) {
    const markers = await files.find(['**/knexfile.*', '**/data-source.*', '**/ormconfig.*', '**/prisma/schema.prisma', '**/.sequelizerc'], { dot: true })
    for (const file of markers) {
      const hit = uninstalled.find(([, t]) => t.marker.test(basename(file)))
      if (!hit) continue
      const tool = hit[0]
      const dir = tool === 'prisma' ? dirname(dirname(file)) : dirname(file)
      if (!found.some((p) => p.dir === dir && p.tool === tool)) found.push({ name: basename(dir), tool, dir, options: {} })
    }
  }
  found.sort((a, b) => a.dir.localeCompare(b.dir) || a.tool.localeCompare(b.tool))
  return uniqueNames(found).map((p) => ({ ...p, relDir: relative(root, p.dir) || '.', adapter: adapters.get(p.tool) }))
}

/** `services/billing` → `billing`; when two collide, the parent joins (`services-billing`), then the tool. */
function uniqueNames(projects: ProjectRef[]): ProjectRef[] {
  const count = (names: string[], n: string) => names.filter((x) => x === n).length
  let names = projects.map((p) => p.name)
  names = names.map((n, i) => (count(names, n) > 1 ? `${basename(dirname(projects[i]!.dir))}-${n}` : n))
  names = names.map((n, i) => (count(names, n) > 1 ? `${n}-${projects[i]!.tool}` : n))
  return projects.map((p, i) => ({ ...p, name: names[i]! }))
}
