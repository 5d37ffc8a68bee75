import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect } from '../../src/db/types.js'
import { statusSchema } from '../support/schemas.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, withPlugins } from '../helpers.js'
import { createTable, writeKnexProject } from '../../plugins/knex/test/helpers.js'

const dialects = (await availableDialects()).filter((d): d is Dialect => d === 'sqlite' || d === 'postgres')
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

describe('status sees a stuck knex_migrations_lock', () => {
  it.each(dialects)('%s: is_locked = 1 with no mig run holding a lock sets bit 16 until `mig unlock --release`', async (dialect) => {
    const env = await withPlugins('knex')
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeKnexProject(join(root, 'jobs'), dialect, database.url, { migrationsList: [createTable('20240101000000_a.js', 'a')] })
    const run = (...args: string[]) => mig(args, { cwd: root, env })
    expect((await run('up')).code).toBe(0)
    expect((await run('status')).code).toBe(0)

    // What a knex run killed mid-migration leaves behind.
    const db = await database.db()
    cleanup.push(() => db.close())
    await db.run('UPDATE knex_migrations_lock SET is_locked = 1')

    const text = await run('status')
    expect(text.code, text.stderr).toBe(16)
    expect(text.stdout).toMatch(/jobs\s.*\slocked/)
    expect(text.stdout).toMatch(/LOCKED {4}by knex \(knex_migrations_lock\).*`mig unlock --release` frees it/)
    const viaOclif = await mig(['status'], { cwd: root, env: { ...env, MIG_FAST_PATH: '0' } })
    expect(viaOclif.code).toBe(16)
    const ago = (t: string) => t.replace(/\d+\w+ ago/g, 'N ago')
    expect(ago(viaOclif.stdout)).toBe(ago(text.stdout))

    const out = await run('status', '--json')
    expect(out.code).toBe(16)
    const parsed = statusSchema.parse(JSON.parse(out.stdout))
    expect(parsed.exitCode).toBe(16)
    expect(parsed.projects[0]).toMatchObject({ name: 'jobs', toolLock: { holder: 'knex (knex_migrations_lock)' } })
    expect(parsed.projects[0]!.lock).toBeUndefined()

    expect((await run('unlock', '--release')).code).toBe(0)
    expect(await db.query<{ is_locked: number }>('SELECT is_locked FROM knex_migrations_lock')).toEqual([{ is_locked: 0 }])
    const after = await run('status', '--json')
    expect(after.code, after.stderr).toBe(0)
    expect(JSON.parse(after.stdout).projects[0].toolLock).toBeUndefined()
  })
})
