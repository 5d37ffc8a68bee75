import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { backupsSchema, errorSchema, initSchema, logSchema, makeSchema, restoreSchema, runSchema, statusSchema, unlockSchema } from '../../src/output/schemas.js'
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
})
