import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/** Which migration a function is wanted of, for `migrationFunction`. */
export interface MigrationModuleRef {
  /** The migration's id, for the message. */
  id: string
  /** Its file, for the hint. */
  file: string
  /** The function's parameters as the tool calls it, for the hint: `knex`, `queryInterface, Sequelize`. */
  parameters: string
}

/**
 * The `up` or `down` function a migration module exports (knex's and
 * sequelize-cli's `exports.up = async (…) => …`). Missing: a MigError
 * `<TOOL>_NO_FUNCTION` saying what to export where; `mig verify` reads a
 * missing down as an irreversible migration.
 */
export function migrationFunction<F extends (...args: never[]) => unknown>(
  project: ProjectRef,
  module: unknown,
  direction: 'up' | 'down',
  ref: MigrationModuleRef,
): F {
  const fn = (module as Record<string, unknown> | undefined)?.[direction]
  if (typeof fn === 'function') return fn as F
  throw new MigError(
    toolCode(project, 'NO_FUNCTION'),
    `${project.name}: ${ref.id} exports no ${direction} function`,
    `export async function ${direction}(${ref.parameters}) { … } from ${ref.file}`,
  )
}
