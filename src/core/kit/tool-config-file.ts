import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'
import type { Loader } from './load.js'

/** Where a tool's config file may be, for `findConfigFile`. */
export interface ConfigFileOptions {
  /** The project option in mig.config (`projects[].options`) that names the file, relative to the project: `knexfile`, `dataSource`. */
  option?: string
  /** Where the tool looks, in its order: relative to the project, or absolute. */
  candidates: readonly string[]
  /** The config, as the message names it: `knexfile`, `DataSource file`. */
  what: string
  /** How to make one, e.g. `run \`npx sequelize-cli init:config\``. */
  hint: string
}

/**
 * The tool's config file: the one the project's `option` names (which must
 * exist), else the first of `candidates` that exists. Neither: a MigError
 * `<TOOL>_CONFIG_MISSING` saying where it looked.
 */
export function findConfigFile(project: ProjectRef, options: ConfigFileOptions): string {
  const configured = options.option === undefined ? undefined : project.options[options.option]
  if (typeof configured === 'string') {
    const file = resolve(project.dir, configured)
    if (existsSync(file)) return file
    throw new MigError(
      toolCode(project, 'CONFIG_MISSING'),
      `${project.name}: the ${options.what} ${file} (projects[].options.${options.option} in mig.config) does not exist`,
      `point projects[].options.${options.option} at the ${options.what}, relative to ${project.dir}`,
    )
  }
  const candidates = [...new Set(options.candidates.map((f) => resolve(project.dir, f)))]
  const found = candidates.find((f) => existsSync(f))
  if (found) return found
  const shown = candidates.map((f) => (isAbsolute(relative(project.dir, f)) ? f : relative(project.dir, f)))
  throw new MigError(
    toolCode(project, 'CONFIG_MISSING'),
    `${project.name}: no ${options.what} in ${project.dir} (looked for ${shown.join(', ')})`,
    `${options.hint}${options.option ? `, or set projects[].options.${options.option} in mig.config.json` : ''}`,
  )
}

/** How a tool's config file is evaluated, for `loadConfigFile`. */
export interface LoadConfigOptions {
  /** The loader (`ctx.loader(…)`); by default JSON is parsed, Node's require comes first, jiti for TypeScript and ESM, nothing cached. */
  loader?: Loader
  /**
   * The working directory while the file is evaluated, for a tool whose CLI
   * runs there: a config that resolves paths against process.cwd() finds
   * the same files. Restored afterwards.
   */
  cwd?: string
  /** A function export makes the config: call it (through `call` when given) and await what it gives. */
  call?: boolean | ((fn: (...args: unknown[]) => unknown) => unknown)
  /** How to see the whole error, e.g. run the tool's own CLI. */
  hint: string
}

/**
 * Evaluate the tool's config file, as its CLI does, to an object. A
 * failure is a MigError `<TOOL>_CONFIG_LOAD` naming the file and the
 * error's first line (a MigError the file's evaluation threw through the
 * kit passes as it is); so is a file that gives no object.
 */
export async function loadConfigFile(project: ProjectRef, file: string, loader: Loader, options: LoadConfigOptions): Promise<object> {
  const cwd = process.cwd()
  try {
    if (options.cwd) process.chdir(options.cwd)
    // JSON is parsed as it is, without a loader: sequelize's config.json on the fast status path.
    let loaded: unknown =
      !options.loader && file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : await (options.loader ?? loader)(file)
    if (options.call && typeof loaded === 'function') {
      const fn = loaded as (...args: unknown[]) => unknown
      loaded = await (options.call === true ? fn() : options.call(fn))
    }
    if (loaded && typeof loaded === 'object') return loaded
    throw new MigError(
      toolCode(project, 'CONFIG_LOAD'),
      `${project.name}: ${file} gives no config`,
      `export an object${options.call ? ', or a function or a promise giving one' : ''} from it`,
    )
  } catch (error) {
    if (error instanceof MigError) throw error
    throw new MigError(
      toolCode(project, 'CONFIG_LOAD'),
      `${project.name}: ${file} failed to load: ${String((error as Error)?.message ?? error).split('\n')[0]}`,
      options.hint,
      { cause: error },
    )
  } finally {
    if (options.cwd) process.chdir(cwd)
  }
}
