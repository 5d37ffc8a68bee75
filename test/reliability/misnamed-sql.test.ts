import { writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { statusSchema } from '../support/schemas.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, writeSqlProject } from '../helpers.js'

const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const misnamed = ['002_add col.up.sql', '003_x.sql', '005_ok.UP.sql']
const dialects = await availableDialects()

describe('a .sql file that breaks the naming rule is never silently ignored', () => {
  it.each(dialects)('%s: status and up name each one on stderr, status counts them; none is run', async (dialect) => {
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writeSqlProject(root, 'shop', database.url, [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
    for (const name of misnamed) writeFileSync(join(dir, 'migrations', name), 'CREATE TABLE never (id INTEGER);')
    writeFileSync(join(dir, 'migrations', 'README.md'), 'not SQL, not a migration')

    const json = await mig(['status', '--json'], { cwd: root })
    expect(json.code, json.stderr).toBe(2)
    const project = statusSchema.parse(JSON.parse(json.stdout)).projects[0]!
    expect(project.ignoredFiles).toEqual(misnamed.map((f) => `migrations/${f}`))
    expect(project.migrations!.map((m) => m.id)).toEqual(['001_t'])
    for (const name of misnamed)
      expect(json.stderr).toContain(
        `Warning: shop: ignoring migrations/${name}: migrations are named NNN_name.up.sql and NNN_name.down.sql`,
      )

    const text = await mig(['status'], { cwd: root })
    for (const name of misnamed) expect(text.stdout).toContain(`  IGNORED   migrations/${name} (not run: its name breaks the naming rule)`)

    const up = await mig(['up'], { cwd: root })
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr).toContain('ignoring migrations/003_x.sql')
    const db = await database.db()
    cleanup.push(() => db.close())
    expect(await db.tableExists('t')).toBe(true)
    expect(await db.tableExists('never')).toBe(false)
  })

  it('a folder of well-named files reports no ignoredFiles key at all', async () => {
    const database = await createTestDatabase('sqlite')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'shop', database.url, [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
    const r = await mig(['status', '--json'], { cwd: root })
    expect(r.stderr).not.toMatch(/ignoring/)
    expect(JSON.parse(r.stdout).projects[0]).not.toHaveProperty('ignoredFiles')
  })
})
