import { basename, dirname } from 'node:path'
import type { ProjectRef } from 'mig'

export const knexfileNames = ['knexfile.js', 'knexfile.cjs', 'knexfile.mjs', 'knexfile.ts'] as const

/** Every folder with a knexfile is a knex project, named after the folder. */
export async function detectKnexProjects(root: string): Promise<ProjectRef[]> {
  const { glob } = await import('tinyglobby')
  const files = await glob(['**/knexfile.{js,cjs,mjs,ts}'], {
    cwd: root,
    absolute: true,
    ignore: ['**/node_modules/**', '**/dist/**', '**/.git/**'],
  })
  const dirs = [...new Set(files.map((f) => dirname(f)))].sort()
  return dirs.map((dir) => ({ name: basename(dir), tool: 'knex', dir, options: {} }))
}
