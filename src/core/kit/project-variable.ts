import { join } from 'node:path'
import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'
import { projectEnv } from '../project-env.js'

/**
 * A variable of the project's environment (core's one `.env` rule) that the
 * tool's config names, e.g. sequelize's `use_env_variable`; unset, a
 * MigError `<TOOL>_ENV_VAR` saying who needs it and where to set it.
 */
export function projectVariable(project: ProjectRef, name: string, neededBy: string): string {
  const value = projectEnv(project.dir)[name]
  if (value !== undefined && value !== '') return value
  throw new MigError(
    toolCode(project, 'ENV_VAR'),
    `${project.name}: ${neededBy} names ${name}, which is not set`,
    `export ${name}, or set it in ${join(project.dir, '.env')}`,
  )
}
