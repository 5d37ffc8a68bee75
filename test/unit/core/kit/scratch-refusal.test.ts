import { describe, expect, it } from 'vitest'
import { scratchRefusal } from '../../../../src/core/kit/index.js'
import { MigError } from '../../../../src/output/errors.js'

describe('scratchRefusal', () => {
  it('is a <TOOL>_REDIRECT MigError saying why plan and verify cannot use a scratch database', () => {
    const error = scratchRefusal({ name: 'app', tool: 'typeorm', dir: '/p', options: {} }, 'the DataSource uses replication', 'give it one')
    expect(error).toBeInstanceOf(MigError)
    expect(error).toMatchObject({
      code: 'TYPEORM_REDIRECT',
      message: 'app: the DataSource uses replication, so mig plan and mig verify cannot run it on a scratch database',
      hint: 'give it one',
    })
  })
  it("names the fleet target when the redirect is a fleet's", () => {
    const error = scratchRefusal(
      { name: 'app', tool: 'sequelize', dir: '/p', options: {}, target: 'acme' },
      'its ledger is a JSON file',
      'h',
    )
    expect(error).toMatchObject({
      code: 'SEQUELIZE_REDIRECT',
      message: 'app: its ledger is a JSON file, so mig cannot point it at fleet target acme',
    })
  })
})
