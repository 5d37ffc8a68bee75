import type { ProjectRef } from '../../adapter.js'

/** An error code of the project's tool: `TYPEORM_DIALECT`, `SEQUELIZE_ENV`. */
export const toolCode = (project: Pick<ProjectRef, 'tool'>, what: string): string =>
  `${project.tool.replace(/\W+/g, '_').toUpperCase()}_${what}`
