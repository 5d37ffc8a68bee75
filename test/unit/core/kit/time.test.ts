import { describe, expect, it } from 'vitest'
import { readTime } from '../../../../src/core/kit/time.js'

describe('readTime', () => {
  const at = new Date('2024-03-05T07:08:09.123Z')
  it('reads what each connection returns: a Date, epoch milliseconds, ISO text', () => {
    expect(readTime(at)).toBe(at)
    expect(readTime(at.getTime())).toEqual(at)
    expect(readTime(BigInt(at.getTime()))).toEqual(at)
    expect(readTime(String(at.getTime()))).toEqual(at)
    expect(readTime('2024-03-05T07:08:09.123Z', 'local')).toEqual(at)
    expect(readTime('2024-03-05 09:08:09.123+02:00', 'local')).toEqual(at)
  })
  it("reads a time without a zone in the zone the tool wrote it: UTC, or the process's local time", () => {
    expect(readTime('2024-03-05 07:08:09.123')).toEqual(at)
    const local = new Date(2024, 2, 5, 7, 8, 9)
    expect(readTime('2024-03-05 07:08:09', 'local')).toEqual(local)
  })
  it('is undefined for no value', () => {
    for (const none of [null, undefined, '']) expect(readTime(none)).toBeUndefined()
  })
})
