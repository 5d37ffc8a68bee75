import { describe, expect, it } from 'vitest'
import { besideName, onDatabase } from '../../../src/backup/swap.js'
import { parseDatabaseUrl } from '../../../src/db/url.js'

describe('besideName', () => {
  it('fits 63 bytes however long the name, without cutting a character in half', () => {
    const long = 'é'.repeat(40)
    for (const kind of ['restore', 'old'] as const) {
      const name = besideName(long, kind)
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63)
      expect(name).toMatch(new RegExp(`^é+_mig_${kind}_[0-9a-f]{8}$`))
    }
    expect(besideName('app', 'old')).toMatch(/^app_mig_old_[0-9a-f]{8}$/)
    expect(besideName('app', 'old')).not.toBe(besideName('app', 'old'))
  })
})

describe('onDatabase', () => {
  it('keeps server and credentials and changes only the database', () => {
    const t = onDatabase(parseDatabaseUrl('postgres://u:pw-swap@h:6000/app?sslmode=disable', '.'), 'app_mig_restore_1')
    expect(t).toMatchObject({ database: 'app_mig_restore_1', key: 'postgres://h:6000/app_mig_restore_1' })
    expect(t.url).toContain('pw-swap')
    expect(t.url).toContain('sslmode=disable')
  })
})
