import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import type { DetectFiles, ProjectRef } from 'mig'

/** `typeorm … -d <file>` / `--dataSource <file>` in a package.json script. */
export function dataSourceFromScripts(dir: string): string | undefined {
  const pkg = join(dir, 'package.json')
  if (!existsSync(pkg)) return undefined
  try {
    const scripts = (JSON.parse(readFileSync(pkg, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}
    for (const script of Object.values(scripts)) {
      const m = /typeorm\S*\s.*?(?:-d|--dataSource|--data-source)[\s=]+(\S+)/.exec(script)
      if (m) return resolve(dir, m[1]!)
    }
  } catch {
    return undefined
  }
  return undefined
}

/**
 * A TypeORM project: a folder whose package.json scripts name a data source
 * (`typeorm -d …`), or holding `data-source.{ts,js}` (also under src/) or
 * `ormconfig.*`. The project is the folder with the package.json, when there
 * is one above the file.
 */
export async function detectTypeormProjects(_root: string, files: DetectFiles): Promise<ProjectRef[]> {
  const found = new Map<string, ProjectRef>()
  for (const pkg of await files.find(['**/package.json'])) {
    const dataSource = dataSourceFromScripts(dirname(pkg))
    if (dataSource) found.set(dirname(pkg), { name: basename(dirname(pkg)), tool: 'typeorm', dir: dirname(pkg), options: { dataSource } })
  }
  for (const file of await files.find(['**/data-source.{ts,js}', '**/ormconfig.{ts,js,json}'])) {
    let dir = dirname(file)
    if (basename(dir) === 'src' && existsSync(join(dirname(dir), 'package.json'))) dir = dirname(dir)
    if (!found.has(dir)) found.set(dir, { name: basename(dir), tool: 'typeorm', dir, options: { dataSource: file } })
  }
  return [...found.values()].sort((a, b) => a.dir.localeCompare(b.dir))
}
