import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mig, repoRoot, tempDir, writeSqlProject } from '../helpers.js'

const root = tempDir()
afterAll(() => rmSync(root, { recursive: true, force: true }))
writeSqlProject(root, 'app', 'sqlite:./app.db', [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' }])

async function loaded(args: string[]): Promise<string> {
  const trace = join(root, `trace-${args.join('-')}.txt`)
  const r = await mig(args, {
    cwd: root,
    env: { MIG_TRACE_FILE: trace },
    nodeArgs: ['--import', join(repoRoot, 'test/fixtures/trace-loads.mjs')],
  })
  expect(r.code, r.stderr).toBeLessThan(3)
  return readFileSync(trace, 'utf8')
}

const driver = (name: string) => new RegExp(`node_modules/${name}/`)

describe('database drivers load lazily', () => {
  it('mig --help loads no driver', async () => {
    const modules = await loaded(['--help'])
    expect(modules).toMatch(/@oclif\/core/)
    for (const d of ['pg', 'mysql2', 'better-sqlite3']) expect(modules).not.toMatch(driver(d))
  })

  it('mig up --help loads no driver', async () => {
    const modules = await loaded(['up', '--help'])
    for (const d of ['pg', 'mysql2', 'better-sqlite3']) expect(modules).not.toMatch(driver(d))
  })

  it('mig status on a SQLite-only repo loads better-sqlite3 but neither pg nor mysql2', async () => {
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    const modules = await loaded(['status'])
    expect(modules).toMatch(driver('better-sqlite3'))
    expect(modules).not.toMatch(driver('pg'))
    expect(modules).not.toMatch(driver('mysql2'))
  })
})
