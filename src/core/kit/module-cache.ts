import { realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { sep } from 'node:path'

/**
 * Drop the modules of the project in `dir` from Node's module cache, which
 * jiti shares: its own files (a DataSource, its migrations), never a
 * package under node_modules, so the ORM stays one instance. A loader that
 * keeps a cache starts with this, so its cache is its own: a second open of
 * a project sees the files as they are now, not the objects an earlier open
 * loaded and changed.
 */
export function forgetProjectModules(dir: string): void {
  const cache = createRequire(import.meta.url).cache
  const roots = [...new Set([dir, realpathOr(dir)])].map((d) => (d.endsWith(sep) ? d : d + sep))
  for (const file of Object.keys(cache)) {
    if (roots.some((root) => file.startsWith(root)) && !file.includes(`${sep}node_modules${sep}`)) Reflect.deleteProperty(cache, file)
  }
}

function realpathOr(dir: string): string {
  try {
    return realpathSync(dir)
  } catch {
    return dir
  }
}
