import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { JOURNAL } from '../../src/core/journal.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { json, mig, tempDir, writeSqlProject } from '../helpers.js'

const servers = (await availableDialects()).filter((d) => d !== 'sqlite')
const sleep = {
  postgres: 'SELECT pg_sleep(0.1);',
  mysql: 'DO SLEEP(0.1);',
  sqlite: 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 600000) SELECT count(*) FROM r;',
} as const
const longSleep = {
  postgres: 'SELECT pg_sleep(2);',
  mysql: 'DO SLEEP(2);',
  sqlite: 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 12000000) SELECT count(*) FROM r;',
} as const

describe.each([...servers, 'sqlite' as const])('five concurrent `mig up` on one %s database', (dialect) => {
  const cleanup: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanup) await c()
  })

  it('apply every migration exactly once; every process exits 0; the waiters say what they waited for', async () => {
    const database: TestDatabase = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    const migrations = Array.from({ length: 8 }, (_, i) => ({
      id: `${String(i + 1).padStart(3, '0')}_c${i + 1}`,
      up: `CREATE TABLE c${i + 1} (id INTEGER);\n${i === 0 ? longSleep[dialect] : sleep[dialect]}\n`,
      down: `DROP TABLE c${i + 1};\n`,
    }))
    writeSqlProject(root, 'app', database.url, migrations)
    const up = () => mig(['up', '--json', '--lock-timeout', '90'], { cwd: root })

    // The first run takes the lock; the other four start while it holds it.
    const first = up()
    for (let i = 0; ; i++) {
      const s = json<{ projects: { lock?: unknown }[] }>(await mig(['status', '--json'], { cwd: root }))
      if (s.projects[0]!.lock) break
      if (i > 200) throw new Error('the first run never took the lock')
      await new Promise((r) => setTimeout(r, 50))
    }
    const others = Array.from({ length: 4 }, up)
    const results = await Promise.all([first, ...others])

    for (const r of results) expect(r.code, r.stderr).toBe(0)
    const appliedBy = results.map((r) => json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id))
    expect(appliedBy.flat().sort()).toEqual(migrations.map((m) => m.id))
    expect(appliedBy[0]).toContain('001_c1')
    for (const w of results.slice(1)) {
      expect(w.stderr).toMatch(/waiting for the migration lock on .+, held by mig pid \d+|held by backend|held by connection/)
      expect(json<{ waited: { ms: number }[] }>(w).waited.length).toBe(1)
    }
    const db = await database.db()
    expect((await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id)).toEqual(migrations.map((m) => m.id))
    const journal = await db.query<{ migration: string }>(`SELECT migration FROM ${JOURNAL} WHERE direction = 'up' AND outcome = 'ok'`)
    expect(journal).toHaveLength(migrations.length)
  }, 120_000)
})
