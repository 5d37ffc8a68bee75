import { join } from 'node:path'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/** What needs a variable, for the error when it is not set. */
export interface VariableOptions {
  /** The MigError's code, e.g. `PRISMA_ENV`; default `<TOOL>_ENV_VAR`. */
  code?: string
  /** What reads it, said before its name: "prisma.config reads", "use_env_variable names". */
  readBy: string
}

/**
 * A variable the tool's config reads, from the project's environment
 * (core's one rule: exported, else the project's `.env`). Not set, it is a
 * MigError saying what reads it and the two places to set it.
 */
export function projectVariable(
  project: { name: string; dir: string; tool: string },
  env: Readonly<Record<string, string>>,
  name: string,
  options: VariableOptions,
): string {
  const value = env[name]
  if (value !== undefined) return value
  throw new MigError(
    options.code ?? toolCode(project, 'ENV_VAR'),
    `${project.name}: ${options.readBy} ${name}, which is not set`,
    `set ${name} in the environment or in ${join(project.dir, '.env')}`,
  )
}
