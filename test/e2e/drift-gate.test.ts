import { readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { trustedFileSystem } from '../../src/core/checksum.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { hasStack, mig, oclifEnv, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

/** Flyway's validate: drift or a missing file stops up and down before anything runs, unless --allow-drift. */
describe.each(await availableDialects())('drift stops up and down on %s', (dialect) => {
  it('an edited or deleted applied migration stops both before anything runs; --allow-drift goes on, saying so', async () => {
    const database: TestDatabase = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writeSqlProject(root, 'app', database.url, tableMigrations(3))
    const file = (id: string, d = 'up') => join(dir, 'migrations', `${id}.${d}.sql`)
    expect((await mig(['up', '--step', '2'], { cwd: root })).code).toBe(0)
    const db = await database.db()
    const ledger = async () => (await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id)

    writeFileSync(file('002_t2'), readFileSync(file('002_t2'), 'utf8').replace('PRIMARY KEY', 'PRIMARY KEY, extra TEXT'))
    for (const args of [['up'], ['down'], ['up', '--dry-run']]) {
      const r = await mig(args, { cwd: root })
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toMatch(
        new RegExp(`^Error: app 002_t2 is applied, and its files changed since: mig ${args[0]} stops before anything runs$`, 'm'),
      )
      expect(r.stderr).toMatch(/^Hint: restore the files as they were applied .*--allow-drift/m)
      expect(hasStack(r.stderr)).toBe(false)
    }
    expect(await ledger()).toEqual(['001_t1', '002_t2'])
    expect((await listTables(db)).filter((t) => /^t\d$/.test(t))).toEqual(['t1', 't2'])

    const allowed = await mig(['up', '--allow-drift'], { cwd: root })
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.stderr).toMatch(/--allow-drift: going on although app 002_t2 is applied, and its files changed since/)
    expect(await ledger()).toEqual(['001_t1', '002_t2', '003_t3'])
    const journaled = await db.query<{ migration: string; note: string | null }>(
      "SELECT migration, note FROM mig_journal WHERE direction = 'up' AND migration = '003_t3'",
    )
    expect(journaled).toEqual([{ migration: '003_t3', note: '--allow-drift over: app 002_t2 is applied, and its files changed since' }])

    // Files gone: down --to the migration names the real reason, not "not applied".
    rmSync(file('001_t1'))
    rmSync(file('001_t1', 'down'))
    const to = await mig(['down', '--to', '001_t1'], { cwd: root })
    expect(to.code).toBe(1)
    expect(to.stderr).toMatch(/^Error: app 001_t1 is applied, and its files are gone \(and 1 more\): mig down stops before anything runs$/m)
    expect(to.stderr).not.toMatch(/not applied/)
    expect(await ledger()).toEqual(['001_t1', '002_t2', '003_t3'])
  })
})

describe('an empty migration file', () => {
  it('is applied with a warning, and refused under --strict', async () => {
    const database: TestDatabase = await createTestDatabase('sqlite')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'app', database.url, [
      { id: '001_todo', up: '-- TODO: write this\n\n', down: '' },
      ...tableMigrations(2).slice(1),
    ])
    const strict = await mig(['up', '--strict'], { cwd: root })
    expect(strict.code).toBe(1)
    expect(strict.stderr).toBe(
      'Error: app 001_todo: 001_todo.up.sql is empty, so applying it changes nothing; --strict refuses it\nHint: write the migration, or delete it; nothing was applied\n',
    )
    const db = await database.db()
    expect(await listTables(db)).not.toContain('mig_sql_migrations')
    const warned = await mig(['up'], { cwd: root })
    expect(warned.code, warned.stderr).toBe(0)
    expect(warned.stderr).toMatch(/^Warning: app 001_todo: 001_todo\.up\.sql is empty, so applying it changes nothing$/m)
    expect((await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id)).toEqual(['001_todo', '002_t2'])
  })
})

/**
 * The drift check remembers checksums by file identity (src/core/checksum.ts,
 * as git's index does): once it has, an edit must still be seen, even one
 * that keeps the file's size and puts its modification time back.
 */
describe.runIf(trustedFileSystem(join(tempDir(), 'x')))('drift with the checksums remembered', () => {
  it('an edit that keeps size and modification time still stops up', async () => {
    const root = tempDir()
    const home = tempDir()
    const env = oclifEnv(home)
    cleanup.push(async () => {
      for (const dir of [root, home]) rmSync(dir, { recursive: true, force: true })
    })
    const dir = writeSqlProject(root, 'app', `sqlite:${join(root, 'app.db')}`, tableMigrations(3))
    const file = join(dir, 'migrations', '002_t2.up.sql')
    // Whole seconds in the past: settled files (older than the cache's 3 s), and times that can be put back exactly.
    const past = Math.floor(Date.now() / 1000) - 3600
    for (const f of readdirSync(join(dir, 'migrations'))) utimesSync(join(dir, 'migrations', f), past, past)
    expect((await mig(['up', '--step', '2'], { cwd: root, env })).code).toBe(0)
    await new Promise((r) => setTimeout(r, 3100))
    // This run finds nothing to stop it, and remembers the applied files' checksums.
    expect((await mig(['up', '--dry-run'], { cwd: root, env })).code).toBe(0)
    expect(readdirSync(join(home, 'cache', 'mig', 'checksums')).filter((f) => f.endsWith('.json'))).toHaveLength(1)

    const text = readFileSync(file, 'utf8')
    const edited = text.replace('t2', 'x2')
    expect(edited).not.toBe(text)
    expect(edited.length).toBe(text.length)
    writeFileSync(file, edited)
    utimesSync(file, past, past)
    expect(statSync(file).mtimeMs).toBe(past * 1000)
    // Settled again, so the edit is not caught only as a file changed in the last seconds.
    await new Promise((r) => setTimeout(r, 3100))
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/^Error: app 002_t2 is applied, and its files changed since: mig up stops before anything runs$/m)
  })
})
