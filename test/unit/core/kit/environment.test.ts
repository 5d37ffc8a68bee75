import { describe, expect, it } from 'vitest'
import { pickEnvironment } from '../../../../src/core/kit/environment.js'

const options = {
  source: 'the knexfile',
  code: 'KNEX_ENV',
  flat: (c: Record<string, unknown>) => 'client' in c,
  otherwise: 'export a knex config',
}
const project = { name: 'jobs', tool: 'knex' }

describe('pickEnvironment', () => {
  it("takes the environment's entry, else a flat config for every environment", () => {
    const config = { development: { client: 'sqlite3' }, production: { client: 'pg' } }
    expect(pickEnvironment(project, config, 'production', options)).toEqual({ config: { client: 'pg' }, environment: 'production' })
    expect(pickEnvironment(project, { client: 'pg' }, 'test', options)).toEqual({ config: { client: 'pg' }, environment: undefined })
  })
  it('refuses an environment the config lacks, listing the ones it has', () => {
    const config = { development: { client: 'sqlite3' }, production: { client: 'pg' }, shared: 'x' }
    expect(() => pickEnvironment(project, config, 'staging', options)).toThrow(
      expect.objectContaining({
        code: 'KNEX_ENV',
        message: 'jobs: the knexfile has no environment "staging"',
        hint: 'pass --env with one of: development, production',
      }),
    )
    expect(() => pickEnvironment(project, undefined, 'development', options)).toThrow(
      expect.objectContaining({ hint: 'export a knex config' }),
    )
  })
  it('defaults the code to <TOOL>_ENV and, without `otherwise`, lists no environments as (none)', () => {
    const sequelize = { name: 'app', tool: 'sequelize' }
    const how = { source: 'the sequelize config', flat: (c: Record<string, unknown>) => 'dialect' in c }
    expect(pickEnvironment(sequelize, { url: 'x', production: { url: 'y' } }, 'production', how).config).toEqual({ url: 'y' })
    expect(() => pickEnvironment(sequelize, { development: {}, test: {} }, 'staging', how)).toThrow(
      expect.objectContaining({ code: 'SEQUELIZE_ENV', hint: 'pass --env with one of: development, test' }),
    )
    expect(() => pickEnvironment(sequelize, undefined, 'test', how)).toThrow(
      expect.objectContaining({ hint: 'pass --env with one of: (none)' }),
    )
  })
})
