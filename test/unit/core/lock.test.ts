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

describe('acquireLock: held()', () => {
  it('asks the database at most once a second while the connection lives, at once when it is lost, and is false after release', async () => {
    const { createTestDatabase } = await import('../../../src/testing/index.js')
    const { acquireLock, HELD_TRUSTED_MS } = await import('../../../src/core/lock/index.js')
    const database = await createTestDatabase('sqlite')
    try {
      const db = await database.db()
      let asked = 0
      let gone = false
      // The same connection, counting the lock row's reads, with a lost() the test controls.
      const counted = {
        ...db,
        dialect: db.dialect,
        target: db.target,
        query: (sql: string, params?: readonly unknown[]) => {
          if (sql.startsWith('SELECT 1 FROM mig_lock')) asked++
          return db.query(sql, params)
        },
        lost: () => gone,
      } as typeof db
      const lock = await acquireLock(counted, 1_000)
      expect(await lock.held()).toBe(true)
      expect(await lock.held()).toBe(true)
      expect(asked).toBe(0)
      await new Promise((r) => setTimeout(r, HELD_TRUSTED_MS + 50))
      expect(await lock.held()).toBe(true)
      expect(asked).toBe(1)
      expect(await lock.held()).toBe(true)
      expect(asked).toBe(1)
      // A connection known lost answers at once, without asking.
      gone = true
      expect(await lock.held()).toBe(false)
      gone = false
      await lock.release()
      expect(await lock.held()).toBe(false)
      expect(asked).toBe(1)
    } finally {
      await database.drop()
    }
  })
})
