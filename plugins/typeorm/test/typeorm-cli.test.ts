import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, listTables } from 'mig/testing'
import { json, mig, pluginProject, tempDir, withPlugins } from '../../../test/helpers.js'
import { createTable, migrationShow, typeormCli, writeTypeormProject } from './helpers.js'

const names = ['CreateA1700000000000', 'CreateB1700000001000', 'CreateC1700000002000', 'CreateD1700000003000', 'CreateE1700000004000']
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

describe.each(await availableDialects())('typeorm on %s: mig and `typeorm migration:show` agree', (dialect) => {
  const p = pluginProject('typeorm', dialect, (root, database) =>
    writeTypeormProject(
      join(root, 'users'),
      dialect,
      database.url,
      names.map((n, i) => createTable(n, `t_${i}`)),
    ),
  )
  const run = (...args: string[]) => p.run(...args)
  const agree = async (applied: number) => {
    const native = await migrationShow(p.dir)
    expect(native).toEqual({ executed: names.slice(0, applied), pending: names.slice(applied) })
    const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await run('status', '--json'))
    expect(status.projects[0]!.migrations.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(native.executed)
    expect((await listTables(p.db)).filter((t) => t.startsWith('t_'))).toEqual(Array.from({ length: applied }, (_, i) => `t_${i}`))
  }

  it('up --one runs exactly one', async () => {
    const r = await run('up', '--one')
    expect(r.code, r.stderr).toBe(0)
    await agree(1)
  })
  it('up', async () => {
    expect((await run('up')).code).toBe(0)
    await agree(5)
  })
  it('down', async () => {
    expect((await run('down')).code).toBe(0)
    await agree(4)
  })
  it('down --step 3 (TypeORM itself reverts one at a time)', async () => {
    expect((await run('down', '--step', '3')).code).toBe(0)
    await agree(1)
  })
  it('down --to', async () => {
    expect((await run('up')).code).toBe(0)
    expect((await run('down', '--to', names[1]!)).code).toBe(0)
    await agree(2)
  })
  it('typeorm migration:run continues after mig', async () => {
    await typeormCli(p.dir, ['migration:run', '-d', 'src/data-source.ts'])
    await agree(5)
  })
})

describe('TypeScript DataSource with decorated entities', () => {
  it('works without the user adding anything: a migration saves through the entity', async () => {
    const env = await withPlugins('typeorm')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeTypeormProject(join(root, 'users'), 'sqlite', '', [
      {
        className: 'CreateUser1700000000000',
        up: 'await q.query(\'CREATE TABLE "user" (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR NOT NULL, age INTEGER)\')',
        down: 'await q.query(\'DROP TABLE "user"\')',
      },
      {
        className: 'SeedUser1700000001000',
        up: "await q.manager.getRepository('User').save({ email: 'a@example.com', age: 42 })",
        down: 'await q.query(\'DELETE FROM "user"\')',
      },
    ])
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'dev.sqlite'))
    expect(sqlite.prepare('SELECT email, age FROM "user"').all()).toEqual([{ email: 'a@example.com', age: 42 }])
    sqlite.close()
    expect((await migrationShow(dir)).executed).toEqual(['CreateUser1700000000000', 'SeedUser1700000001000'])
  })

  it('a DataSource with synchronize, migrationsRun and dropSchema on: mig status changes nothing', async () => {
    const env = await withPlugins('typeorm')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeTypeormProject(join(root, 'users'), 'sqlite', '', [createTable(names[0]!, 'a')])
    const file = join(dir, 'src', 'data-source.ts')
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('logging: false,', 'logging: false, synchronize: true, migrationsRun: true, dropSchema: true,'),
    )
    const s = await mig(['status', '--json'], { cwd: root, env })
    expect(s.code, s.stderr).toBe(2)
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'dev.sqlite'))
    expect(sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('user', 'a', 'migrations')").all()).toEqual([])
    sqlite.close()
  })

  it('mig make writes <epoch-ms>-Name.ts with class Name<epoch-ms>, which TypeORM then lists', async () => {
    const env = await withPlugins('typeorm')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeTypeormProject(join(root, 'users'), 'sqlite', '', [createTable(names[0]!, 'a')])
    const r = await mig(['make', 'add_phone', '--json'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(0)
    const file = json<{ files: string[] }>(r).files[0]!
    const m = /src\/migrations\/(\d{13})-AddPhone\.ts$/.exec(file)
    expect(m).not.toBeNull()
    expect(readFileSync(file, 'utf8')).toContain(`export class AddPhone${m![1]} implements MigrationInterface`)
    expect((await migrationShow(dir)).pending).toEqual([names[0], `AddPhone${m![1]}`])
  })
})
