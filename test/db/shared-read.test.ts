import { describe, expect, it } from 'vitest'
import { connectShared } from '../../src/db/connect.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'

const onPostgres = (await availableDialects()).includes('postgres')

describe.skipIf(!onPostgres)('connectShared (status: the adapter and core read one database over one connection)', () => {
  const pid = async (db: { query<T>(sql: string): Promise<T[]> }) =>
    (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid

  it('hands callers of one target one connection, closes it with the last of them, and never hands out a lost one', async () => {
    const database = await createTestDatabase('postgres')
    try {
      const target = parseDatabaseUrl(database.url, process.cwd())
      const [a, b] = await Promise.all([connectShared(target), connectShared(target)])
      const first = await pid(a)
      expect(await pid(b)).toBe(first)
      // Closing one (twice: a second close is nothing) leaves the other working.
      await a.close()
      await a.close()
      expect(await pid(b)).toBe(first)
      await expect(a.query('SELECT 1')).rejects.toThrow(/closed/)
      const c = await connectShared(target)
      expect(await pid(c)).toBe(first)
      await b.close()
      await c.close()
      const admin = await database.db()
      const gone = async (p: number) =>
        (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ?', [p]))[0]!.n === 0
      for (let i = 0; i < 50 && !(await gone(first)); i++) await new Promise((r) => setTimeout(r, 20))
      expect(await gone(first)).toBe(true)

      // Ended by the server while held: the next caller gets a new connection.
      const d = await connectShared(target)
      const killed = await pid(d)
      await admin.query('SELECT pg_terminate_backend(?)', [killed])
      for (let i = 0; i < 100 && !d.lost?.(); i++) await new Promise((r) => setTimeout(r, 20))
      expect(d.lost?.()).toBe(true)
      const e = await connectShared(target)
      expect(await pid(e)).not.toBe(killed)
      await d.close()
      await e.close()
    } finally {
      await database.drop()
    }
  })

  it("a caller that does more than read (Prisma's SET search_path) moves onto its own connection first: the others read as before", async () => {
    const database = await createTestDatabase('postgres')
    try {
      const target = parseDatabaseUrl(database.url, process.cwd())
      const path = async (db: { query<T>(sql: string): Promise<T[]> }) =>
        (await db.query<{ search_path: string }>('SHOW search_path'))[0]!.search_path
      const [adapter, core] = await Promise.all([connectShared(target), connectShared(target)])
      const shared = await pid(core)
      expect(await pid(adapter)).toBe(shared)
      const before = await path(core)
      await adapter.run('SET search_path TO app')
      expect(await path(adapter)).toBe('app')
      expect(await pid(adapter)).not.toBe(shared)
      expect(await path(core)).toBe(before)
      expect(await pid(core)).toBe(shared)
      // Through query() too: a SET is not a read.
      const other = await connectShared(target)
      expect(await pid(other)).toBe(shared)
      await other.query("SET application_name = 'changed'")
      expect(await pid(other)).not.toBe(shared)
      expect((await core.query<{ a: string }>('SELECT current_setting($1) AS a', ['application_name']))[0]!.a).not.toBe('changed')
      for (const db of [adapter, core, other]) await db.close()
    } finally {
      await database.drop()
    }
  })

  it('does not share between two users of one database (the key holds the credentials)', async () => {
    const database = await createTestDatabase('postgres')
    const admin = await database.db()
    const role = `mig_shared_${Date.now().toString(36)}`
    await admin.run(`CREATE ROLE ${role} LOGIN`)
    try {
      const asPostgres = parseDatabaseUrl(database.url, process.cwd())
      const other = new URL(database.url)
      other.username = role
      const asRole = parseDatabaseUrl(other.toString(), process.cwd())
      expect(asRole.key).toBe(asPostgres.key)
      const [x, y] = await Promise.all([connectShared(asPostgres), connectShared(asRole)])
      expect(await pid(x)).not.toBe(await pid(y))
      expect((await y.query<{ u: string }>('SELECT current_user AS u'))[0]!.u).toBe(role)
      await x.close()
      await y.close()
    } finally {
      // The role's session ends a moment after close(): a role still connected cannot be dropped.
      for (let i = 0; i < 100; i++) {
        const [row] = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = ?', [role])
        if (row!.n === 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      await admin.run(`DROP ROLE IF EXISTS ${role}`)
      await database.drop()
    }
  })
})
