import { describe, expect, it } from 'vitest'
import { pickEnvironment } from '../../../../src/core/kit/index.js'
import { MigError } from '../../../../src/output/errors.js'

const project = { name: 'app', tool: 'sequelize', dir: '/p', options: {} }
const how = { what: 'the sequelize config', optionKeys: ['dialect', 'url'] }

describe('pickEnvironment', () => {
  it('takes the named environment of a config keyed by environment', () => {
    const config = { development: { dialect: 'sqlite' }, test: { dialect: 'postgres' } }
    expect(pickEnvironment(project, 'test', config, how)).toEqual({ options: { dialect: 'postgres' }, environment: 'test' })
  })
  it('takes a config that is one environment’s options as it is', () => {
    const config = { dialect: 'sqlite', storage: 'dev.db' }
    expect(pickEnvironment(project, 'test', config, how)).toEqual({ options: config, environment: undefined })
  })
  it('prefers the named environment even when the config also has option keys', () => {
    const config = { url: 'x', production: { url: 'y' } }
    expect(pickEnvironment(project, 'production', config, how).options).toEqual({ url: 'y' })
  })
  it('refuses a missing environment with <TOOL>_ENV, listing the environments there are', () => {
    const error = (() => {
      try {
        pickEnvironment(project, 'staging', { development: {}, test: {}, note: 'x' }, how)
      } catch (e) {
        return e
      }
    })() as MigError
    expect(error).toBeInstanceOf(MigError)
    expect(error.code).toBe('SEQUELIZE_ENV')
    expect(error.message).toBe('app: the sequelize config has no environment "staging"')
    expect(error.hint).toBe('pass --env with one of: development, test')
  })
  it('says `otherwise` when the config names no environment at all', () => {
    expect(() => pickEnvironment({ ...project, tool: 'knex' }, 'test', {}, { ...how, otherwise: 'export a knex config' })).toThrow(
      expect.objectContaining({ code: 'KNEX_ENV', hint: 'export a knex config' }),
    )
    expect(() => pickEnvironment(project, 'test', undefined, how)).toThrow(
      expect.objectContaining({ hint: 'pass --env with one of: (none)' }),
    )
  })
})
