import { basename, dirname } from 'node:path'
import type { DetectFiles, ProjectRef } from '../../adapter.js'
import { fileName } from './files.js'

/** A folder of `NNN_name.up.sql` files is a project; a `migrations/` folder belongs to its parent. */
export async function detectSqlProjects(_root: string, found: DetectFiles): Promise<ProjectRef[]> {
  const files = (await found.find(['**/*.up.sql'])).filter((f) => fileName.test(basename(f)))
  const dirs = new Set(files.map((f) => {
    const dir = dirname(f)
    return basename(dir) === 'migrations' ? dirname(dir) : dir
  }))
  return [...dirs].sort().map((dir) => ({ name: basename(dir), tool: 'sql', dir, options: {} }))
}
