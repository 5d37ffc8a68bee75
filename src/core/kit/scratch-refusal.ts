import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/**
 * The error an adapter throws when `ctx.database()` hands it a scratch
 * database its config cannot be pointed at (read replicas on other
 * servers, a ledger kept in a file of the project): `<TOOL>_REDIRECT`, so
 * plan and verify stop before anything runs on the real database. The same
 * for a fleet's target (the project's `target`): said as such.
 */
export function scratchRefusal(project: ProjectRef & { target?: string }, reason: string, hint: string): MigError {
  return new MigError(
    toolCode(project, 'REDIRECT'),
    project.target !== undefined
      ? `${project.name}: ${reason}, so mig cannot point it at fleet target ${project.target}`
      : `${project.name}: ${reason}, so mig plan and mig verify cannot run it on a scratch database`,
    hint,
  )
}
