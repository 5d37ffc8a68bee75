import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ProjectRef } from 'mig'

/** A folder with a `.sequelizerc`, or with sequelize-cli's default layout (`config/config.{json,js}` beside `migrations/`). */
export async function detectSequelizeProjects(root: string): Promise<ProjectRef[]> {
  const { glob } = await import('tinyglobby')
  const files = await glob(['**/.sequelizerc', '**/config/config.{json,js,cjs}'], {
    cwd: root,
    absolute: true,
    dot: true,
    ignore: ['**/node_modules/**', '**/dist/**', '**/.git/**'],
  })
  const dirs = new Set<string>()
  for (const file of files) {
    if (basename(file) === '.sequelizerc') dirs.add(dirname(file))
    else {
      const dir = dirname(dirname(file))
      if (existsSync(join(dir, 'migrations'))) dirs.add(dir)
    }
  }
  return [...dirs].sort().map((dir) => ({ name: basename(dir), tool: 'sequelize', dir, options: {} }))
}
