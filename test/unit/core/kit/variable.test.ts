import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectVariable } from '../../../../src/core/kit/variable.js'

describe('projectVariable', () => {
  const project = { name: 'api', tool: 'prisma', dir: '/repo/api' }
  const options = { code: 'PRISMA_ENV', readBy: 'prisma.config reads' }
  it("gives the variable's value, an empty one too", () => {
    expect(projectVariable(project, { DATABASE_URL: 'file:./dev.db' }, 'DATABASE_URL', options)).toBe('file:./dev.db')
    expect(projectVariable(project, { DB_PASSWORD: '' }, 'DB_PASSWORD', options)).toBe('')
  })
  it('says what reads a variable that is not set, and where to set it', () => {
    expect(() => projectVariable(project, {}, 'DATABASE_URL', options)).toThrow(
      expect.objectContaining({
        code: 'PRISMA_ENV',
        message: 'api: prisma.config reads DATABASE_URL, which is not set',
        hint: `set DATABASE_URL in the environment or in ${join('/repo/api', '.env')}`,
      }),
    )
  })
  it('defaults the code to <TOOL>_ENV_VAR', () => {
    const sequelize = { name: 'app', tool: 'sequelize', dir: '/repo/app' }
    expect(() => projectVariable(sequelize, {}, 'DB_URL', { readBy: 'use_env_variable names' })).toThrow(
      expect.objectContaining({ code: 'SEQUELIZE_ENV_VAR', message: 'app: use_env_variable names DB_URL, which is not set' }),
    )
  })
})
