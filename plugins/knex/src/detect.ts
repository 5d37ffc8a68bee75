import { basename, dirname } from 'node:path'
import type { DetectFiles, ProjectRef } from 'mig'

export const knexfileNames = ['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts'] as const

/** Every folder with a knexfile is a knex project, named after the folder. */
export async function detectKnexProjects(_root: string, found: DetectFiles): Promise<ProjectRef[]> {
  const files = await found.find(['**/knexfile.{js,cjs,mjs,ts}'])
  const dirs = [...new Set(files.map((f) => dirname(f)))].sort()
  return dirs.map((dir) => ({ name: basename(dir), tool: 'knex', dir, options: {} }))
}
