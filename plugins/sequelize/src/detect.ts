import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { DetectFiles, ProjectRef } from 'mig'

/** A folder with a `.sequelizerc`, or with sequelize-cli's default layout (`config/config.{json,js}` beside `migrations/`). */
export async function detectSequelizeProjects(_root: string, found: DetectFiles): Promise<ProjectRef[]> {
  const files = await found.find(['**/.sequelizerc', '**/config/config.{json,js,cjs}'], { dot: true })
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
