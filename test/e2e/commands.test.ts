import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { type TestDatabase, availableDialects, createTestDatabase, listTables } from '../../src/testing/index.js'
import { json, mig, tempDir, writeSqlProject } from '../helpers.js'

const dialects = await availableDialects()
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})
const repo = () => {
  const root = tempDir()
  cleanup.push(() => rmSync(root, { recursive: true, force: true }))
  return root
}

describe('mig init', () => {
  it('writes mig.config.json from what it detects and refuses to overwrite it', async () => {
    const root = repo()
    writeSqlProject(join(root, 'services'), 'billing', 'sqlite:./b.db', [{ id: '001_a', up: 'SELECT 1;' }])
    mkdirSync(join(root, 'api', 'prisma'), { recursive: true })
    writeFileSync(join(root, 'api', 'prisma', 'schema.prisma'), '')
    const r = await mig(['init'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('mig plugins install @mig/plugin-prisma')
    expect(JSON.parse(readFileSync(join(root, 'mig.config.json'), 'utf8'))).toEqual({
      projects: [
        { name: 'api', tool: 'prisma', dir: 'api' },
        { name: 'billing', tool: 'sql', dir: 'services/billing' },
      ],
    })
    const again = await mig(['init'], { cwd: root })
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/mig\.config\.json already exists/)
  })
})

describe('projects of tools whose plugin is not installed', () => {
  it('status lists them with the exact install command and still reports the others', async () => {
    const root = repo()
    writeSqlProject(root, 'app', 'sqlite:./a.db', [{ id: '001_a', up: 'CREATE TABLE a (x int);' }])
    mkdirSync(join(root, 'jobs'))
    writeFileSync(join(root, 'jobs', 'knexfile.js'), 'module.exports = {}\n')
    const r = await mig(['status'], { cwd: root })
    // Pending in app, and blind to jobs.
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/jobs\s+knex\s+-\s+-\s+-\s+plugin not installed/)
    expect(r.stdout).toContain('mig plugins install @mig/plugin-knex')
    const j = json<{ projects: { name: string; plugin?: { install: string } }[] }>(await mig(['status', '--json'], { cwd: root }))
    expect(j.projects.find((p) => p.name === 'jobs')!.plugin!.install).toBe('mig plugins install @mig/plugin-knex')
    const up = await mig(['up', '--project', 'jobs'], { cwd: root })
    expect(up.code).toBe(1)
    expect(up.stderr).toContain('mig plugins install @mig/plugin-knex')
  })
})

describe('--env picks the url for that environment', () => {
  it('applies to the database the environment names', async () => {
    const root = repo()
    writeSqlProject(root, 'app', 'sqlite:./unused.db', [{ id: '001_a', up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' }])
    rmSync(join(root, 'app', '.env'))
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({
        projects: [{ name: 'app', tool: 'sql', dir: 'app', url: { development: 'sqlite:./dev.db', test: 'sqlite:./test.db' } }],
      }),
    )
    expect((await mig(['up', '--env', 'test'], { cwd: root })).code).toBe(0)
    expect(existsSync(join(root, 'app', 'test.db'))).toBe(true)
    expect(existsSync(join(root, 'app', 'dev.db'))).toBe(false)
    const bad = await mig(['up', '--env', 'prod'], { cwd: root })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/no url for environment "prod"[\s\S]*development, test/)
  })
})

describe('read-only commands', () => {
  it('status and log do not create a SQLite database that does not exist yet; up does', async () => {
    const root = repo()
    writeSqlProject(root, 'app', 'sqlite:./new.db', [{ id: '001_a', up: 'CREATE TABLE a (x int);' }])
    const s = await mig(['status', '--json'], { cwd: root })
    expect(s.code).toBe(2)
    expect(json<{ projects: { summary: { pending: number } }[] }>(s).projects[0]!.summary.pending).toBe(1)
    expect((await mig(['log'], { cwd: root })).code).toBe(0)
    expect(existsSync(join(root, 'app', 'new.db'))).toBe(false)
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    expect(existsSync(join(root, 'app', 'new.db'))).toBe(true)
  })
})

describe('mig make', () => {
  it('numbers the next SQL migration after the existing ones and writes up and down', async () => {
    const root = repo()
    writeSqlProject(root, 'app', 'sqlite:./a.db', [{ id: '007_a', up: 'SELECT 1;', down: 'SELECT 1;' }])
    const r = await mig(['make', 'add_phone', '--project', 'app', '--json'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    expect(readdirSync(join(root, 'app', 'migrations')).sort()).toEqual([
      '007_a.down.sql',
      '007_a.up.sql',
      '008_add_phone.down.sql',
      '008_add_phone.up.sql',
    ])
    const s = json<{ projects: { summary: { pending: number } }[] }>(await mig(['status', '--json'], { cwd: root }))
    expect(s.projects[0]!.summary.pending).toBe(2)
  })
})

describe('mig unlock', () => {
  it('releases a stale SQLite lock only when asked', async () => {
    const root = repo()
    writeSqlProject(root, 'app', 'sqlite:./a.db', [{ id: '001_a', up: 'CREATE TABLE a (x int);' }])
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    // A lock row left by a process that no longer exists.
    const Database = (await import('better-sqlite3')).default
    const db = new Database(join(root, 'app', 'a.db'))
    db.prepare("INSERT INTO mig_lock (id, pid, host, started_at) VALUES (1, 999999999, ?, '2020-01-01T00:00:00.000Z')").run(hostname())
    db.close()
    const shown = await mig(['status', '--json'], { cwd: root })
    expect(json<{ projects: { lock: { stale: boolean } }[] }>(shown).projects[0]!.lock.stale).toBe(true)
    expect((await mig(['unlock'], { cwd: root })).stdout).toMatch(/mig pid 999999999 .* stale/)
    const released = json<{ locks: { released: boolean }[] }>(await mig(['unlock', '--release', '--json'], { cwd: root }))
    expect(released.locks[0]!.released).toBe(true)
    expect((await mig(['unlock'], { cwd: root })).stdout).toMatch(/^free/)
  })
})

describe.runIf(dialects.includes('mysql'))('a migration failing partway on MariaDB', () => {
  it('shows as failed (exit bit 8) with the error; up refuses to run over it, and retries it once fixed with --allow-drift', async () => {
    const database: TestDatabase = await createTestDatabase('mysql')
    cleanup.push(() => database.drop())
    const root = repo()
    const dir = writeSqlProject(root, 'app', database.url, [
      { id: '001_ok', up: 'CREATE TABLE ok1 (id INT);', down: 'DROP TABLE ok1;' },
      { id: '002_half', up: 'CREATE TABLE half (id INT);\nINSERT INTO missing_table VALUES (1);\n', down: 'DROP TABLE half;' },
    ])
    const failed = await mig(['up'], { cwd: root })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/app: applying 002_half failed: .*missing_table/)
    expect(failed.stderr).toMatch(/statement: INSERT INTO missing_table VALUES \(1\)/)
    expect(failed.stderr).toMatch(/part of it may be applied/)
    const db = await database.db()
    expect(await listTables(db)).toContain('half')
    expect((await db.query<{ id: string }>(`SELECT id FROM ${LEDGER}`)).map((r) => r.id)).toEqual(['001_ok'])
    const s = await mig(['status', '--json'], { cwd: root })
    expect(s.code).toBe(8)
    expect(
      json<{ projects: { migrations: { id: string; state: string; error?: string }[] }[] }>(s).projects[0]!.migrations[1],
    ).toMatchObject({ id: '002_half', state: 'failed', error: expect.stringContaining('missing_table') })
    writeFileSync(join(dir, 'migrations', '002_half.up.sql'), 'CREATE TABLE IF NOT EXISTS half (id INT);\n')
    const refused = await mig(['up'], { cwd: root })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^Error: app 002_half failed partway on its last run: the database may hold part of it: mig up stops before anything runs$/m,
    )
    expect(refused.stderr).toMatch(/mig resolve 002_half --applied/)
    const retry = await mig(['up', '--allow-drift'], { cwd: root })
    expect(retry.code, retry.stderr).toBe(0)
    expect(retry.stderr).toMatch(/retrying 002_half/)
    expect((await mig(['status'], { cwd: root })).code).toBe(0)
  })
})
