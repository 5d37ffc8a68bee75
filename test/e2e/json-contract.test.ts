import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import {
  backupsSchema,
  errorSchema,
  initSchema,
  logSchema,
  makeSchema,
  restoreSchema,
  runSchema,
  statusSchema,
  unlockSchema,
} from '../support/schemas.js'
import { mig, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

const root = tempDir()
afterAll(() => rmSync(root, { recursive: true, force: true }))
writeSqlProject(root, 'app', 'sqlite:./a.db', tableMigrations(3))

async function parsed<T extends z.ZodType>(schema: T, args: string[], exit = 0): Promise<z.infer<T>> {
  const r = await mig([...args, '--json'], { cwd: root })
  expect(r.code, r.stderr).toBe(exit)
  const out = schema.safeParse(JSON.parse(r.stdout))
  expect(out.error?.issues ?? []).toEqual([])
  return out.data as z.infer<T>
}

describe('every --json result matches its frozen schema', () => {
  it('status, up, down, backup, backups, restore, log, unlock, make, init and errors', async () => {
    const before = await parsed(statusSchema, ['status'], 2)
    expect(before.exitCode).toBe(2)
    expect((await parsed(runSchema, ['up', '--step', '2'])).migrations).toHaveLength(2)
    expect((await parsed(runSchema, ['down'])).direction).toBe('down')
    const after = await parsed(statusSchema, ['status'], 2)
    expect(after.projects[0]!.summary).toEqual({ applied: 1, pending: 2, failed: 0, drift: 0, missing: 0 })
    const taken = await parsed(backupsSchema, ['backup'])
    expect((await parsed(backupsSchema, ['backups'])).backups).toEqual(taken.backups)
    expect((await parsed(restoreSchema, ['restore', taken.backups[0]!.id, '--yes'])).restored).toBe(taken.backups[0]!.id)
    expect((await parsed(logSchema, ['log'])).entries).toHaveLength(5)
    expect((await parsed(unlockSchema, ['unlock'])).locks).toHaveLength(1)
    expect((await parsed(makeSchema, ['make', 'next', '--project', 'app'])).files).toHaveLength(2)
    expect((await parsed(initSchema, ['init'])).projects).toEqual([{ name: 'app', tool: 'sql', dir: 'app' }])
    expect((await parsed(errorSchema, ['up', '--project', 'nope'], 2)).error.code).toBe('PROJECT_UNKNOWN')
    expect((await parsed(errorSchema, ['up', '--to', 'nope'], 2)).error.code).toBe('MIGRATION_UNKNOWN')
  })

  it('up --json that fails partway lists what it applied, then the failure, in the run envelope with exitCode 1', async () => {
    const failing = tempDir()
    const dir = writeSqlProject(failing, 'app', 'sqlite:./a.db', [
      ...tableMigrations(1),
      { id: '002_bad', up: 'CREATE TABLE t2 (id INTEGER);\nSELECT * FROM no_such_table;\n', down: 'DROP TABLE t2;' },
      ...tableMigrations(3).slice(2),
    ])
    const r = await mig(['up', '--json'], { cwd: failing })
    expect(r.code).toBe(1)
    const out = runSchema.parse(JSON.parse(r.stdout))
    expect(out.migrations.map((m) => m.id)).toEqual(['001_t1'])
    expect(out.failed).toEqual({ project: 'app', id: '002_bad', name: 'bad', direction: 'up' })
    expect(out.error).toMatchObject({
      code: 'MIGRATION_FAILED',
      message: expect.stringMatching(/app: applying 002_bad failed: .*no such table: no_such_table/),
    })
    expect(out.exitCode).toBe(1)
    const db = new (await import('better-sqlite3')).default(join(dir, 'a.db'), { readonly: true })
    expect(db.prepare('SELECT id FROM mig_sql_migrations').all()).toEqual([{ id: '001_t1' }])
    db.close()
    rmSync(failing, { recursive: true, force: true })
  })
})
