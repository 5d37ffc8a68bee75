import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { json, mig, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

interface StatusJson {
  projects: { summary: { drift: number; missing: number }; migrations: { id: string; state: string; drift: boolean }[] }[]
  exitCode: number
}

const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

describe.each(await availableDialects())('drift on %s', (dialect) => {
  it('an applied file edited afterwards shows drift: true and exit bit 4; a CRLF-only change does not; a deleted one is missing', async () => {
    const database: TestDatabase = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writeSqlProject(root, 'app', database.url, tableMigrations(3))
    expect((await mig(['up', '--step', '2'], { cwd: root })).code).toBe(0)
    const file = (id: string, d = 'up') => join(dir, 'migrations', `${id}.${d}.sql`)

    writeFileSync(file('001_t1'), readFileSync(file('001_t1'), 'utf8').replace(/\n/g, '\r\n'))
    let r = await mig(['status', '--json'], { cwd: root })
    let s = json<StatusJson>(r)
    expect(s.projects[0]!.migrations.every((m) => !m.drift)).toBe(true)
    expect(r.code).toBe(2)

    writeFileSync(file('002_t2'), 'CREATE TABLE t2 (id INTEGER PRIMARY KEY, extra TEXT);\n')
    r = await mig(['status', '--json'], { cwd: root })
    s = json<StatusJson>(r)
    expect(s.projects[0]!.migrations.find((m) => m.id === '002_t2')).toMatchObject({ state: 'applied', drift: true })
    expect(s.projects[0]!.summary.drift).toBe(1)
    expect(s.exitCode).toBe(2 | 4)
    expect(r.code).toBe(6)
    const text = await mig(['status'], { cwd: root })
    expect(text.stdout).toMatch(/DRIFT\s+002_t2/)

    rmSync(file('001_t1'))
    rmSync(file('001_t1', 'down'))
    s = json<StatusJson>(await mig(['status', '--json'], { cwd: root }))
    expect(s.projects[0]!.migrations.find((m) => m.id === '001_t1')).toMatchObject({ state: 'missing', drift: true })
    expect(s.projects[0]!.summary.missing).toBe(1)
    expect(s.exitCode & 4).toBe(4)
  })
})
