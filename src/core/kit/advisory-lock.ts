import type { Db } from '../../db/types.js'

/**
 * Run `fn` holding PostgreSQL's session advisory lock `key` on `db`: the
 * lock a tool's own CLI takes while it migrates (Prisma's `migrate deploy`
 * takes 72707369), so the tool run beside mig waits for mig and mig for it.
 * Other dialects: `fn` alone (Prisma takes no lock there). Released when `fn`
 * throws as well.
 */
export async function withAdvisoryLock<T>(db: Db, key: number, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return fn()
  await db.run('SELECT pg_advisory_lock(?)', [key])
  try {
    return await fn()
  } finally {
    await db.run('SELECT pg_advisory_unlock(?)', [key])
  }
}
