import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { MigError, errorMessage } from '../../output/errors.js'
import { type LoadOptions, type Loader, createLoader } from './load.js'
import { toolCode } from './tool-code.js'

type Project = { name: string; dir: string; tool: string }

/** What to say when there is no config file, for `findConfigFile` to throw rather than give undefined. */
export interface ConfigMissing {
  /** The config, as the message names it: `DataSource file`, `sequelize config`. */
  what: string
  /** How to make one, e.g. `run \`npx sequelize-cli init:config\``. */
  hint: string
  /** The project option in mig.config (`projects[].options`) that names the file, for the messages: `dataSource`. */
  option?: string
}

/**
 * The tool's config file in `project.dir`: the one the project's options name
 * (`configured`, relative to the folder), else the first of `names` that
 * exists (relative, or absolute). Without `missing` a configured file is
 * the file whether or not it exists, and no file is undefined; with it, a
 * configured file must exist and no file is a MigError
 * `<TOOL>_CONFIG_MISSING` saying where it looked.
 */
export function findConfigFile(
  project: Project,
  names: readonly string[],
  configured?: unknown,
  missing?: ConfigMissing,
): string | undefined {
  const set = typeof configured === 'string' && configured ? resolve(project.dir, configured) : undefined
  const option = missing?.option ? `projects[].options.${missing.option}` : 'the project option'
  if (set !== undefined && (!missing || existsSync(set))) return set
  if (set !== undefined && missing)
    throw new MigError(
      toolCode(project, 'CONFIG_MISSING'),
      `${project.name}: the ${missing.what} ${set} (${option} in mig.config) does not exist`,
      `point ${option} at the ${missing.what}, relative to ${project.dir}`,
    )
  const candidates = [...new Set(names.map((name) => resolve(project.dir, name)))]
  const found = candidates.find((file) => existsSync(file))
  if (found || !missing) return found
  const shown = candidates.map((f) => (isAbsolute(relative(project.dir, f)) ? f : relative(project.dir, f)))
  throw new MigError(
    toolCode(project, 'CONFIG_MISSING'),
    `${project.name}: no ${missing.what} in ${project.dir} (looked for ${shown.join(', ')})`,
    `${missing.hint}${missing.option ? `, or set ${option} in mig.config.json` : ''}`,
  )
}

/** How a tool's config file is loaded, and what a user who sees it fail is told. */
export interface ConfigFileOptions {
  /** The MigError's code, e.g. `KNEXFILE_LOAD`; default `<TOOL>_CONFIG_LOAD`. */
  code?: string
  /** How to see the whole error or fix it; a function gets the error's first line (to say which variable is missing, say). */
  hint: string | ((message: string) => string)
  /** How the loader loads it (`ctx.loader`'s options); without `load` or `loader` a `.json` file is parsed as it is. */
  load?: LoadOptions
  /** A loader of the adapter's own (`ctx.loader(…)`), sharing its cache with the files it loads later; wins over `load`. */
  loader?: Loader
  /**
   * The working directory while the file is evaluated, for a tool whose CLI
   * runs there: a config that resolves paths against process.cwd() finds
   * the same files. Restored afterwards.
   */
  cwd?: string
  /**
   * The file may export a function, or a promise, giving the config (a
   * knexfile): call it (through `call` when it is a function) and wait, as
   * the tool's CLI does.
   */
  call?: boolean | ((fn: (...args: unknown[]) => unknown) => unknown)
}

/**
 * Load a tool's config file for `project`. Whatever goes wrong while it is
 * evaluated is one MigError (`options.code`): the project, the file and the
 * error's first line (a config's stack trace says nothing to the user), the
 * error kept as the cause for `--debug`. A MigError the config's evaluation
 * threw through a stand-in core gave it (a missing variable) passes unchanged.
 */
export async function loadConfigFile(project: Project, file: string, options: ConfigFileOptions): Promise<unknown> {
  const code = options.code ?? toolCode(project, 'CONFIG_LOAD')
  const cwd = process.cwd()
  try {
    if (options.cwd) process.chdir(options.cwd)
    const load = options.loader ?? (options.load ? createLoader(join(project.dir, 'package.json'), options.load) : undefined)
    // JSON is parsed as it is, without a loader: sequelize's config.json on the fast status path.
    let loaded =
      !load && file.endsWith('.json')
        ? JSON.parse(readFileSync(file, 'utf8'))
        : await (load ?? createLoader(join(project.dir, 'package.json')))(file)
    if (options.call && typeof loaded === 'function') {
      const fn = loaded as (...args: unknown[]) => unknown
      loaded = await (options.call === true ? fn() : options.call(fn))
    }
    return loaded
  } catch (error) {
    if (error instanceof MigError) throw error
    const message = errorMessage(error).split('\n')[0] ?? ''
    throw new MigError(
      code,
      `${project.name}: ${file} failed to load: ${message}`,
      typeof options.hint === 'function' ? options.hint(message) : options.hint,
      { cause: error },
    )
  } finally {
    if (options.cwd) process.chdir(cwd)
  }
}
