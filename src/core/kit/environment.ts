import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/** How a tool keys its config by environment, in its users' words. */
export interface EnvironmentOptions {
  /** What holds the environments, for the message: "the knexfile". */
  source: string
  /** The MigError's code when `env` is not there, e.g. `KNEX_ENV`; default `<TOOL>_ENV`. */
  code?: string
  /**
   * Is the config itself one environment's settings (a knexfile with a
   * `client`)? Then it serves every environment, as the tool allows.
   */
  flat(config: Record<string, unknown>): boolean
  /** The hint when the config has no environments at all; default, `pass --env with one of: (none)`. */
  otherwise?: string
}

/**
 * The settings for `env` out of a config keyed by environment, as knex
 * (`config[env] || config`) and sequelize-cli read theirs: the entry named
 * `env`, else the whole config when it is flat; otherwise a MigError listing
 * the environments there are. `environment` is undefined when the flat
 * config served.
 */
export function pickEnvironment<T>(
  project: { name: string; tool: string },
  config: unknown,
  env: string,
  options: EnvironmentOptions,
): { config: T; environment: string | undefined } {
  const all = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>
  const named = all[env]
  if (named && typeof named === 'object') return { config: named as T, environment: env }
  if (options.flat(all)) return { config: all as T, environment: undefined }
  const environments = Object.keys(all).filter((key) => all[key] && typeof all[key] === 'object')
  throw new MigError(
    options.code ?? toolCode(project, 'ENV'),
    `${project.name}: ${options.source} has no environment "${env}"`,
    environments.length || !options.otherwise ? `pass --env with one of: ${environments.join(', ') || '(none)'}` : options.otherwise,
  )
}
