import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, createTestDatabase, serverUrls } from '../../src/testing/index.js'
import { hasStack, json, mig, tempDir, writeSqlProject } from '../helpers.js'
import { startProxy, viaProxy } from './proxy.js'

/**
 * COMMIT reaches the server, and the connection dies before its reply
 * reaches mig: mig cannot know the outcome, so it reads the ledger again on a
 * new connection and reports what is true, never "nothing of it was kept".
 */
const servers = (await availableDialects()).filter((d) => d !== 'sqlite')
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

interface Log {
  entries: { migration: string; direction: string; outcome: string; checksum: string | null; error: string | null }[]
}

describe.each(servers)('the reply to COMMIT lost on %s', (dialect) => {
  it('the migration committed: mig says so, journals it ok with its checksum, and status agrees', async () => {
    const database = await createTestDatabase(dialect)
    const server = new URL(serverUrls[dialect])
    const proxy = await startProxy(server.hostname, Number(server.port))
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => proxy.close(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'shop', viaProxy(database.url, proxy), [
      { id: '001_orders', up: 'CREATE TABLE orders (id INTEGER PRIMARY KEY);', down: 'DROP TABLE orders;' },
      { id: '002_items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY);', down: 'DROP TABLE items;' },
    ])
    proxy.cutReplyTo('COMMIT')
    const r = await mig(['up'], { cwd: root })
    proxy.reset()
    expect(proxy.cuts, 'the reply to COMMIT was cut').toBe(1)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(
      /^Error: shop: the connection to .* was lost while applying 001_orders \(.+\); read again on a new connection, its ledger shows it applied \(journaled ok\)$/m,
    )
    expect(r.stderr).toMatch(/^Hint: nothing after it ran; run `mig up` to go on$/m)
    expect(r.stderr).not.toMatch(/nothing of it was kept|rolled back/)
    expect(hasStack(r.stderr)).toBe(false)

    const db = await database.db()
    cleanup.push(() => db.close())
    expect(await db.tableExists('orders')).toBe(true)
    expect(await db.tableExists('items')).toBe(false)
    expect((await db.query<{ id: string }>('SELECT id FROM mig_sql_migrations')).map((x) => x.id)).toEqual(['001_orders'])
    const log = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries).toHaveLength(1)
    expect(log.entries[0]).toMatchObject({ migration: '001_orders', direction: 'up', outcome: 'ok', error: null })
    expect(log.entries[0]!.checksum).toMatch(/^[0-9a-f]{64}$/)
    const status = json<{ projects: { migrations: { id: string; state: string; drift: boolean }[] }[] }>(
      await mig(['status', '--json'], { cwd: root }),
    )
    expect(status.projects[0]!.migrations.map((m) => `${m.id} ${m.state} ${m.drift}`)).toEqual([
      '001_orders applied false',
      '002_items pending false',
    ])

    const next = await mig(['up'], { cwd: root })
    expect(next.code, next.stderr).toBe(0)
    expect(await db.tableExists('items')).toBe(true)
  }, 90_000)
})

describe.runIf(servers.includes('postgres'))('the COMMIT itself lost on postgres', () => {
  it('the migration did not commit: the ledger read again says so, journaled rolled_back', async () => {
    const database = await createTestDatabase('postgres')
    const server = new URL(serverUrls.postgres)
    const proxy = await startProxy(server.hostname, Number(server.port))
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => proxy.close(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    // The CREATE goes through; the proxy dies on the bytes that follow it, before COMMIT reaches the server.
    writeSqlProject(root, 'shop', viaProxy(database.url, proxy), [
      { id: '001_orders', up: 'CREATE TABLE orders (id INTEGER PRIMARY KEY);\nSELECT pg_sleep(0.5);', down: 'DROP TABLE orders;' },
    ])
    const running = mig(['up'], { cwd: root })
    const db = await database.db()
    cleanup.push(() => db.close())
    const start = Date.now()
    while (
      !(await db.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(0.5)%' AND datname = current_database()")).length
    ) {
      if (Date.now() - start > 20_000) throw new Error('the migration never started')
      await new Promise((res) => setTimeout(res, 20))
    }
    proxy.cut()
    const r = await running
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/its ledger shows it not applied: its transaction did not commit$/m)
    expect(await db.tableExists('orders')).toBe(false)
    const log = json<Log>(await mig(['log', '--json'], { cwd: root }))
    expect(log.entries.map((e) => e.outcome)).toEqual(['rolled_back'])
    expect(
      json<{ projects: { migrations: { state: string }[] }[] }>(await mig(['status', '--json'], { cwd: root })).projects[0]!.migrations[0]!
        .state,
    ).toBe('pending')
  }, 90_000)
})
