import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MigError, errorMessage } from '../../output/errors.js'
import { type LoadOptions, createLoader } from './load.js'

/**
 * The tool's config file in `dir`: the one the project's options name
 * (relative to `dir`), which is then the file whether or not it exists,
 * else the first of `names` that exists.
 */
export function findConfigFile(dir: string, names: readonly string[], configured?: unknown): string | undefined {
  if (typeof configured === 'string' && configured) return resolve(dir, configured)
  return names.map((name) => join(dir, name)).find((file) => existsSync(file))
}

/** How a tool's config file is loaded, and what a user who sees it fail is told. */
export interface ConfigFileOptions {
  /** The MigError's code, e.g. `KNEXFILE_LOAD`. */
  code: string
  /** How to see the whole error or fix it; a function gets the error's first line (to say which variable is missing, say). */
  hint: string | ((message: string) => string)
  /** How the loader loads it (`ctx.loader`'s options). */
  load?: LoadOptions
  /** The file may export a function, or a promise, giving the config (a knexfile): call it and wait, as the tool's CLI does. */
  call?: boolean
}

/**
 * Load a tool's config file for `project`. Whatever goes wrong while it is
 * evaluated is one MigError `code`: the project, the file and the error's
 * first line (a config's stack trace says nothing to the user), the error
 * kept as the cause for `--debug`. A MigError the config's evaluation threw
 * through a stand-in core gave it (a missing variable) passes unchanged.
 */
export async function loadConfigFile(project: { name: string; dir: string }, file: string, options: ConfigFileOptions): Promise<unknown> {
  try {
    const loaded = await createLoader(join(project.dir, 'package.json'), options.load)(file)
    return options.call && typeof loaded === 'function' ? await (loaded as () => unknown)() : loaded
  } catch (error) {
    if (error instanceof MigError) throw error
    const message = errorMessage(error).split('\n')[0] ?? ''
    throw new MigError(
      options.code,
      `${project.name}: ${file} failed to load: ${message}`,
      typeof options.hint === 'function' ? options.hint(message) : options.hint,
      { cause: error },
    )
  }
}
