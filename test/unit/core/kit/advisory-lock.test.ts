import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withAdvisoryLock } from '../../../../src/core/kit/advisory-lock.js'
import { connect } from '../../../../src/db/connect.js'
import type { Db } from '../../../../src/db/types.js'
import { parseDatabaseUrl } from '../../../../src/db/url.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../../../src/testing/index.js'
import { tempDir } from '../../../helpers.js'

const KEY = 72707369
const postgres = (await availableDialects()).includes('postgres')

describe.runIf(postgres)('withAdvisoryLock on PostgreSQL', () => {
  let database: TestDatabase | undefined
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
  })
  afterAll(() => database?.drop())
  /** Can another session take the lock now? (It gives it back at once.) */
  const free = async (other: Db) => {
    const [row] = await other.query<{ got: boolean }>('SELECT pg_try_advisory_lock(?) AS got', [KEY])
    if (row!.got) await other.run('SELECT pg_advisory_unlock(?)', [KEY])
    return row!.got
  }

  it('holds the lock while fn runs, so another session cannot take it; frees it after, and after a throw', async () => {
    const [db, other] = [await database!.db(), await database!.db()]
    expect(await free(other)).toBe(true)
    expect(await withAdvisoryLock(db, KEY, async () => [await free(other)])).toEqual([false])
    expect(await free(other)).toBe(true)
    await expect(
      withAdvisoryLock(db, KEY, async () => {
        expect(await free(other)).toBe(false)
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await free(other)).toBe(true)
  })
})

describe('withAdvisoryLock elsewhere', () => {
  it('runs fn alone on SQLite', async () => {
    const db = await connect(parseDatabaseUrl(`sqlite:${join(tempDir(), 'lock.db')}`, '/'))
    try {
      expect(await withAdvisoryLock(db, KEY, async () => 'ran')).toBe('ran')
    } finally {
      await db.close()
    }
  })
})
