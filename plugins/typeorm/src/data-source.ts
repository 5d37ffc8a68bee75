import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { OpenContext, ProjectRef } from 'mig'

/** `typeorm … -d <file>` / `--dataSource <file>` in a package.json script. */
function dataSourceFromScripts(dir: string): string | undefined {
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

/** The DataSource file: `options.dataSource` in mig.config, else the one the package.json scripts hand `typeorm -d`, else the usual names. */
export function dataSourceFile(project: ProjectRef, ctx: OpenContext): string {
  const fromScripts = dataSourceFromScripts(project.dir)
  const names = ['data-source.ts', 'data-source.js', 'src/data-source.ts', 'src/data-source.js', 'ormconfig.ts', 'ormconfig.js']
  return ctx.findConfig([...(fromScripts ? [fromScripts] : []), ...names], project.options.dataSource, {
    option: 'dataSource',
    what: 'DataSource file',
    hint: 'export the DataSource from the file `typeorm -d` takes',
  })
}
