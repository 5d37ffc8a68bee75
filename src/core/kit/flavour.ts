import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { ProjectRef } from '../../adapter.js'

/** How a new migration file is written: its extension, and the module syntax of its template. */
export interface Flavour {
  /** Without the dot: `ts`, `js`, `mjs`, … */
  extension: string
  /** `esm` for `.mjs`, and for `.js` in a `type: module` package (Node would load it as ESM); `ts` for `.ts`. */
  module: 'ts' | 'esm' | 'cjs'
}

/**
 * Follow the project: the extension most of the migrations in `dir` use
 * (among `extensions`), else `fallback` (the tool's configured default);
 * ESM when the project's package.json says `type: module`.
 */
export function migrationFlavour(project: ProjectRef, dir: string, extensions: readonly string[], fallback: string): Flavour {
  const counts = new Map<string, number>()
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    const e = extname(file).slice(1)
    if (extensions.includes(e)) counts.set(e, (counts.get(e) ?? 0) + 1)
  }
  const extension = counts.size ? [...counts].sort((a, b) => b[1] - a[1])[0]![0] : fallback
  const module = extension === 'ts' ? 'ts' : extension === 'mjs' || (extension === 'js' && isEsm(project.dir)) ? 'esm' : 'cjs'
  return { extension, module }
}

function isEsm(dir: string): boolean {
  const pkg = join(dir, 'package.json')
  return existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module'
}
