import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/** How a tool keys its config by environment, for `pickEnvironment`. */
export interface EnvironmentOptions {
  /** The config, as the message names it: `the knexfile`, `the sequelize config`. */
  what: string
  /** Keys that only one environment's options have (knex `client`; sequelize `dialect`, `url`, …): a config with one of them is not keyed by environment. */
  optionKeys: readonly string[]
  /** The hint when the config names no environment at all. */
  otherwise?: string
}

/** The options of one environment, and its name when the config was keyed by environment. */
export interface PickedEnvironment {
  options: Record<string, unknown>
  environment: string | undefined
}

/**
 * One environment of a config keyed by environment name (a knexfile,
 * sequelize-cli's config.json), picked as the tools pick it:
 * `config[env]` when that is an object, else the config itself when it
 * already looks like one environment's options (`optionKeys`). Neither: a
 * MigError `<TOOL>_ENV` listing the environments there are.
 */
export function pickEnvironment(project: ProjectRef, env: string, config: unknown, options: EnvironmentOptions): PickedEnvironment {
  const all = (config && typeof config === 'object' ? config : {}) as Record<string, unknown>
  const named = all[env]
  if (named && typeof named === 'object') return { options: named as Record<string, unknown>, environment: env }
  if (options.optionKeys.some((key) => key in all)) return { options: all, environment: undefined }
  const envs = Object.keys(all).filter((key) => all[key] && typeof all[key] === 'object')
  throw new MigError(
    toolCode(project, 'ENV'),
    `${project.name}: ${options.what} has no environment "${env}"`,
    envs.length || !options.otherwise ? `pass --env with one of: ${envs.join(', ') || '(none)'}` : options.otherwise,
  )
}
