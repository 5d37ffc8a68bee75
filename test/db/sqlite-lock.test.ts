import { expect, it } from 'vitest'
import { driverOf } from '../../src/db/drivers.js'
import { acquireLock } from '../../src/core/lock/index.js'
import { createTestDatabase } from '../../src/testing/index.js'

it('SQLite lock: held() notices within about a second that `mig unlock --release --force` took the row away, and is false at once after release', async () => {
  const database = await createTestDatabase('sqlite')
  try {
    const [a, b] = [await database.db(), await database.db()]
    const held = await acquireLock(a, 1_000)
    expect(await held.held()).toBe(true)
    // What `mig unlock --release --force` does from another process.
    await b.run('DELETE FROM mig_lock')
    let polls = 0
    while ((await held.held()) && polls++ < 100) await new Promise((r) => setTimeout(r, 50))
    expect(await held.held()).toBe(false)
    expect(await driverOf(b).lock.tryAcquire(b)).toBe(true)
    await driverOf(b).lock.release(b)
    const again = await acquireLock(a, 1_000)
    expect(await again.held()).toBe(true)
    await again.release()
    expect(await again.held()).toBe(false)
  } finally {
    await database.drop()
  }
})
