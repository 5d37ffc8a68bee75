import { createRequire } from 'node:module'
import { extname } from 'node:path'
import { withNodeNavigator } from '../navigator.js'

/** How a tool's own file (a config, a migration) is loaded; each caller keeps its tool's way. */
export interface LoadOptions {
  /**
   * `.js`/`.cjs` (and extensionless files) through Node's own require first, as the tool's CLI loads
   * them (fast, and the same module instance the tool would get); jiti only
   * when require refuses the file (ESM). Default false.
   */
  native?: boolean
  /** Keep loaded modules cached. Default false: a config read again sees the project's environment as it is now. */
  moduleCache?: boolean
  /** The default export rather than the module namespace. Default true. */
  default?: boolean
  /** Specifiers answered without loading anything, e.g. a light stand-in for a heavy package the file imports. */
  virtualModules?: Record<string, unknown>
  /** Compile each source file yourself (e.g. with the project's TypeScript, to keep decorator metadata). */
  transform?: (input: { source: string; filename?: string }) => { code: string }
  /** Through `OpenContext.loader`: compile TypeScript with the project's own, keeping decorator metadata (decorator-metadata.ts). */
  decorators?: boolean
}

/** Loads files with one set of options; one jiti behind it, so files it loads share their imports' instances when cached. */
export type Loader = (file: string) => Promise<unknown>

/**
 * The one place core and adapters load a tool's file: jiti (TypeScript,
 * ESM and CommonJS without the user registering anything), or Node's
 * require first where the tool's CLI uses it. `from` is the file or folder
 * that relative imports and bare package names resolve from.
 */
export function createLoader(from: string, options: LoadOptions = {}): Loader {
  const unwrap = options.default !== false
  let jiti: import('jiti').Jiti | undefined
  const viaJiti = (file: string) => {
    if (!jiti) {
      // jiti's CommonJS entry loads in half the time of its ESM one (~15 ms against ~30).
      const { createJiti } = createRequire(import.meta.url)('jiti') as typeof import('jiti')
      jiti = createJiti(from, {
        interopDefault: unwrap,
        moduleCache: options.moduleCache ?? false,
        ...(options.virtualModules ? { virtualModules: options.virtualModules } : {}),
        ...(options.transform ? { transform: options.transform } : {}),
      })
    }
    return unwrap ? jiti.import(file, { default: true }) : jiti.import(file)
  }
  // A tool's file may construct what loads pg (a TypeORM DataSource): see core/navigator.
  return async (file) => {
    // A file without an extension (`.sequelizerc`) is CommonJS to Node's require.
    if (options.native && (/\.c?js$/.test(file) || extname(file) === '')) {
      try {
        return withNodeNavigator(() => nativeRequire(file, options.moduleCache ?? false, unwrap))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error
      }
    }
    return withNodeNavigator(() => viaJiti(file))
  }
}

function nativeRequire(file: string, cached: boolean, unwrap: boolean): unknown {
  const require = createRequire(file)
  if (!cached) Reflect.deleteProperty(require.cache, require.resolve(file))
  const mod = require(file) as { default?: unknown; __esModule?: boolean; [Symbol.toStringTag]?: string } | undefined
  // An ES module's namespace, where Node's require loads ES modules (22.12 and later), is unwrapped as a transpiled one is.
  return unwrap && mod && (mod.__esModule || mod[Symbol.toStringTag] === 'Module') && 'default' in mod ? mod.default : mod
}
