import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { OpenContext, ProjectRef } from 'mig'

interface TypeScript {
  transpileModule(source: string, options: { fileName?: string; compilerOptions: Record<string, unknown> }): { outputText: string }
  ModuleKind: { CommonJS: number }
  ScriptTarget: { ES2022: number }
}

/**
 * A loader for the project's TypeScript (data source, entities, migrations)
 * that keeps decorator metadata: jiti with the user's own TypeScript as its
 * transform (`emitDecoratorMetadata`), because jiti's default transform and
 * tsx drop the `design:type` metadata TypeORM reads from `@Column() email: string`.
 */
export function projectLoader(project: ProjectRef, ctx: OpenContext): (file: string) => Promise<Record<string, unknown>> {
  let ts: TypeScript | undefined
  try {
    ts = ctx.require<TypeScript>('typescript')
  } catch {
    ts = undefined
  }
  const transform =
    ts &&
    ((opts: { source: string; filename?: string }) => ({
      code: ts.transpileModule(opts.source, {
        ...(opts.filename ? { fileName: opts.filename } : {}),
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          allowJs: true,
          sourceMap: false,
        },
      }).outputText,
    }))
  // One loader, its cache kept: the data source, its entities and the migrations share the classes they import.
  const load = ctx.loader({ default: false, moduleCache: true, ...(transform ? { transform } : {}) })
  return async (file: string) => {
    if (!ts && /\.[cm]?ts$/.test(file)) {
      throw new ctx.errors.MigError(
        'TYPEORM_TYPESCRIPT',
        `${project.name}: ${file} is TypeScript, and typescript is not installed in the project`,
        `run \`npm install -D typescript\` in ${project.dir} (mig uses it to keep decorator metadata)`,
      )
    }
    return (await load(file)) as Record<string, unknown>
  }
}

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

export function resolveDataSourceFile(project: ProjectRef, ctx: OpenContext, fromScripts: string | undefined): string {
  const configured = typeof project.options.dataSource === 'string' ? project.options.dataSource : undefined
  const candidates = [
    configured && (isAbsolute(configured) ? configured : resolve(project.dir, configured)),
    fromScripts,
    ...['data-source.ts', 'data-source.js', 'src/data-source.ts', 'src/data-source.js', 'ormconfig.ts', 'ormconfig.js'].map((f) =>
      join(project.dir, f),
    ),
  ].filter((f): f is string => !!f)
  const file = candidates.find((f) => existsSync(f))
  if (!file) {
    throw new ctx.errors.MigError(
      'TYPEORM_DATASOURCE',
      `${project.name}: no DataSource file found in ${project.dir}`,
      'set projects[].options.dataSource in mig.config.json to the file `typeorm -d` takes',
    )
  }
  return file
}
