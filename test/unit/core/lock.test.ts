import { describe, expect, it } from 'vitest'
import { describeHolder } from '../../../src/core/lock/index.js'

describe('describeHolder', () => {
  it('names the holder, since when, and whether it is stale', () => {
    expect(describeHolder({ who: 'mig pid 42 on ci-7', since: '2026-01-01T00:00:00.000Z', stale: false })).toBe(
      'mig pid 42 on ci-7 since 2026-01-01T00:00:00.000Z',
    )
    expect(describeHolder({ who: 'mig pid 42 on ci-7', stale: true })).toBe('mig pid 42 on ci-7 (stale)')
  })

  it('says "another run" when the holder could not be read', () => {
    expect(describeHolder(undefined)).toBe('another run')
  })
})
