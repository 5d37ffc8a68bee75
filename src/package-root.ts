import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * mig's own folder, the one holding its package.json (and templates/,
 * oclif.manifest.json), found by walking up from this module. A path
 * written relative to a module's own place would break in the fast path's
 * bundle (dist/fast/, bin/run.js), whose chunks sit at another depth than
 * the modules tsc wrote to dist/; this holds in both, and from src/ in tests.
 */
export const packageRoot: string = (() => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`mig: no package.json above ${fileURLToPath(import.meta.url)}`)
  }
})()
