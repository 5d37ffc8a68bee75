import type { LoadOptions, Loader } from './load.js'
import type { RequireOptions } from './require.js'

interface TypeScript {
  transpileModule(source: string, options: { fileName?: string; compilerOptions: Record<string, unknown> }): { outputText: string }
  ModuleKind: { CommonJS: number }
  ScriptTarget: { ES2022: number }
}

/**
 * A loader whose TypeScript keeps decorator metadata, for the ORMs that
 * read it (TypeORM's `@Column() email: string` needs `design:type`): jiti
 * with the project's own TypeScript as its transform, with
 * `emitDecoratorMetadata`, since jiti's default transform and tsx drop it.
 * A TypeScript file in a project without `typescript` is the kit's
 * TYPESCRIPT_MISSING, with the install command.
 */
export function decoratorLoader(
  options: LoadOptions,
  create: (options: LoadOptions) => Loader,
  require: <T>(specifier: string, options?: RequireOptions) => T,
  resolve: (specifier: string) => string,
): Loader {
  // Whether the project has TypeScript is known now; loading it (~0.5 s) waits for the first file
  // jiti compiles: a CommonJS project's .js files go through Node's require without it.
  let installed: boolean
  try {
    resolve('typescript')
    installed = true
  } catch {
    installed = false
  }
  let ts: TypeScript | undefined
  const transform = (input: { source: string; filename?: string }) => {
    ts ??= require<TypeScript>('typescript')
    return {
      code: ts.transpileModule(input.source, {
        ...(input.filename ? { fileName: input.filename } : {}),
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
    }
  }
  const load = create({ ...options, ...(installed ? { transform } : {}) })
  return async (file) => {
    if (!installed && /\.[cm]?ts$/.test(file))
      require('typescript', {
        dev: true,
        for: `${file} is TypeScript, which mig compiles with the project's own to keep decorator metadata`,
      })
    return load(file)
  }
}
