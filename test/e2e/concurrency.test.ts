import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { JOURNAL } from '../../src/core/journal.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { json, mig, tempDir, writeSqlProject } from '../helpers.js'

const servers = (await availableDialects()).filter((d) => d !== 'sqlite')
const sleep = {
  postgres: 'SELECT pg_sleep(0.2);',
  mysql: 'DO SLEEP(0.2);',
  sqlite: 'WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 2500000) SELECT count(*) FROM r;',
} as const

describe.each([...servers, 'sqlite' as const])('five concurrent `mig up` on one %s database', (dialect) => {
  const cleanup: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const c of cleanup) await c()
  })

  it('apply every migration exactly once, and every process exits 0', async () => {
    const database: TestDatabase = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(() => database.drop(), async () => rmSync(root, { recursive: true, force: true }))
    const migrations = Array.from({ length: 8 }, (_, i) => ({
      id: `${String(i + 1).padStart(3, '0')}_c${i + 1}`,
      up: `CREATE TABLE c${i + 1} (id INTEGER);\n${sleep[dialect]}\n`,
      down: `DROP TABLE c${i + 1};\n`,
    }))
    writeSqlProject(root, 'app', database.url, migrations)

    const results = await Promise.all(Array.from({ length: 5 }, () => mig(['up', '--json', '--lock-timeout', '60'], { cwd: root })))

    for (const r of results) expect(r.code, r.stderr).toBe(0)
    const appliedBy = results.map((r) => json<{ migrations: { id: string }[] }>(r).migrations.map((m) => m.id))
    expect(appliedBy.flat().sort()).toEqual(migrations.map((m) => m.id))
    const waiters = results.filter((_, i) => appliedBy[i]!.length === 0)
    expect(waiters.length).toBeGreaterThan(0)
    for (const w of waiters) {
      expect(w.stderr).toMatch(/waiting for the migration lock on .+, held by /)
      expect(json<{ waited: { ms: number }[] }>(w).waited.length).toBe(1)
    }
    const db = await database.db()
    expect((await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id)).toEqual(migrations.map((m) => m.id))
    const journal = await db.query<{ migration: string }>(`SELECT migration FROM ${JOURNAL} WHERE direction = 'up' AND outcome = 'ok'`)
    expect(journal).toHaveLength(migrations.length)
  }, 120_000)
})
