import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { projectVariable } from '../../../../src/core/kit/index.js'
import { tempDir } from '../../../helpers.js'

const name = 'MIG_KIT_VARIABLE_TEST'

describe('projectVariable', () => {
  afterEach(() => {
    Reflect.deleteProperty(process.env, name)
  })
  it("reads the project's .env, with an exported variable over it", () => {
    const dir = tempDir()
    writeFileSync(join(dir, '.env'), `${name}=from-dotenv\n`)
    const project = { name: 'app', tool: 'sequelize', dir, options: {} }
    expect(projectVariable(project, name, 'use_env_variable')).toBe('from-dotenv')
    process.env[name] = 'exported'
    expect(projectVariable(project, name, 'use_env_variable')).toBe('exported')
  })
  it('refuses an unset or empty variable with <TOOL>_ENV_VAR, saying who names it and where to set it', () => {
    const dir = tempDir()
    writeFileSync(join(dir, '.env'), `${name}=\n`)
    expect(() => projectVariable({ name: 'app', tool: 'sequelize', dir, options: {} }, name, 'use_env_variable')).toThrow(
      expect.objectContaining({
        code: 'SEQUELIZE_ENV_VAR',
        message: `app: use_env_variable names ${name}, which is not set`,
        hint: `export ${name}, or set it in ${join(dir, '.env')}`,
      }),
    )
  })
})
