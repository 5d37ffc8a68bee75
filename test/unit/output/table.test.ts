import { describe, expect, it } from 'vitest'
import { bytes } from '../../../src/output/table.js'

describe('sizes as people read them', () => {
  it('B, KiB, MiB, GiB', () => {
    expect([812, 4300, 17 * 1024 * 1024, 1.03 * 1024 ** 3, 552 * 1024 ** 2].map(bytes)).toEqual([
      '812 B',
      '4.2 KiB',
      '17.0 MiB',
      '1.03 GiB',
      '552.0 MiB',
    ])
  })
})
