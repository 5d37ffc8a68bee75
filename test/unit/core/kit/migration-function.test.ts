import { describe, expect, it } from 'vitest'
import { migrationFunction } from '../../../../src/core/kit/index.js'

const project = { name: 'app', tool: 'sequelize', dir: '/p', options: {} }
const ref = { id: '20240101000000-a.js', file: '/p/migrations/20240101000000-a.js', parameters: 'queryInterface, Sequelize' }

describe('migrationFunction', () => {
  it('gives the exported function', () => {
    const up = () => 1
    expect(migrationFunction(project, { up }, 'up', ref)).toBe(up)
  })
  it('refuses a missing one with <TOOL>_NO_FUNCTION, which verify reads as irreversible', () => {
    for (const module of [{ up: () => 1 }, { down: 'no' }, undefined])
      expect(() => migrationFunction(project, module, 'down', ref)).toThrow(
        expect.objectContaining({
          code: 'SEQUELIZE_NO_FUNCTION',
          message: 'app: 20240101000000-a.js exports no down function',
          hint: 'export async function down(queryInterface, Sequelize) { … } from /p/migrations/20240101000000-a.js',
        }),
      )
    expect('SEQUELIZE_NO_FUNCTION').toMatch(/(^|_)NO_(DOWN|FUNCTION)$/)
  })
})
