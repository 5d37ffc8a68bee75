import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, listTables } from 'mig/testing'
import {
  type Result,
  freshPluginProject,
  interruptWhileRunning,
  json,
  mig,
  pluginProject,
  tempDir,
  withPlugins,
} from '../../../test/helpers.js'
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

describe.runIf((await availableDialects()).includes('postgres'))('Ctrl-C during a TypeORM migration on PostgreSQL', () => {
  it("cancels its statement at once (TypeORM's connection carries mig's application_name), rolls it back, exits 130", async () => {
    const { env, root, dir, db } = await freshPluginProject('typeorm', 'postgres', (root, database) =>
      writeTypeormProject(join(root, 'users'), 'postgres', database.url, [
        createTable(names[0]!, 'a'),
        { className: names[1]!, up: "await q.query('CREATE TABLE half (id INTEGER)'); await q.query('SELECT pg_sleep(20)')", down: '' },
      ]),
    )
    const r = await interruptWhileRunning(root, env, db, 'SELECT pg_sleep(20)')
    expect(r.code, r.stderr).toBe(130)
    expect(r.ms).toBeLessThan(15_000)
    expect(r.stderr).toMatch(/users \S+ was rolled back/)
    expect(await migrationShow(dir)).toEqual({ executed: [names[0]], pending: [names[1]] })
    expect(await db.tableExists('half')).toBe(false)
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

  it('a migration file mig has read before is not run to list it: status runs none, up only those it applies; an edited file, or one that re-exports a class from elsewhere, runs again', async () => {
    const env = await withPlugins('typeorm')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeTypeormProject(join(root, 'users'), 'sqlite', '')
    const log = join(root, 'loads.log')
    // Each file says when it is run; C names its migration apart from its class, as TypeORM allows.
    const write = (className: string, table: string, name?: string) =>
      writeFileSync(
        join(dir, 'src', 'migrations', `${className.slice(-13)}-${className.slice(0, -13)}.ts`),
        `import { appendFileSync } from 'fs'\nimport { MigrationInterface, QueryRunner } from 'typeorm'\n\nappendFileSync(${JSON.stringify(log)}, '${className}\\n')\n\n` +
          `export class ${className} implements MigrationInterface {\n${name ? `  name = '${name}'\n` : ''}` +
          `  public async up(q: QueryRunner): Promise<void> { await q.query('CREATE TABLE ${table} (id INTEGER PRIMARY KEY)') }\n` +
          `  public async down(q: QueryRunner): Promise<void> { await q.query('DROP TABLE ${table}') }\n}\n`,
      )
    const [a, b, c, d] = names as [string, string, string, string]
    const cName = 'RenamedC1700000002000'
    mkdirSync(join(dir, 'src', 'migrations'), { recursive: true })
    write(a, 't_a')
    write(b, 't_b')
    write(c, 't_c', cName)
    // D's file only re-exports a class written elsewhere: its bytes cannot say when the class changes, so it is always run.
    write(d, 't_d')
    mkdirSync(join(dir, 'src', 'shared'))
    renameSync(join(dir, 'src', 'migrations', `${d.slice(-13)}-${d.slice(0, -13)}.ts`), join(dir, 'src', 'shared', 'd.ts'))
    writeFileSync(join(dir, 'src', 'migrations', `${d.slice(-13)}-${d.slice(0, -13)}.ts`), `export { ${d} } from '../shared/d'\n`)
    const runs = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [])
    const ran = async (args: string[], code = 0) => {
      const before = runs().length
      const r = await mig(args, { cwd: root, env })
      expect(r.code, r.stderr).toBe(code)
      return { r, ran: runs().slice(before).sort() }
    }
    const states = (r: Result) =>
      json<{ projects: { migrations: { id: string; state: string }[] }[] }>(r).projects[0]!.migrations.map((m) => [m.id, m.state])

    const first = await ran(['status', '--json'], 2)
    expect(first.ran).toEqual([a, b, c, d].sort())
    expect(states(first.r)).toEqual([
      [a, 'pending'],
      [b, 'pending'],
      [cName, 'pending'],
      [d, 'pending'],
    ])
    const second = await ran(['status', '--json'], 2)
    expect(second.ran).toEqual([d])
    expect(states(second.r)).toEqual(states(first.r))

    expect((await ran(['up', '--one'])).ran).toEqual([a, d].sort())
    const edited = join(dir, 'src', 'migrations', `${b.slice(-13)}-${b.slice(0, -13)}.ts`)
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/t_b/g, 't_b2'))
    expect((await ran(['status', '--json'], 2)).ran).toEqual([b, d].sort())
    expect((await ran(['up'])).ran).toEqual([b, c, d].sort())
    const native = await migrationShow(dir)
    expect(native).toEqual({ executed: [a, b, cName, d], pending: [] })
    const after = await ran(['status', '--json'])
    expect(after.ran).toEqual([d])
    expect(states(after.r)).toEqual(native.executed.map((id) => [id, 'applied']))
    expect((await ran(['down', '--step', '2'])).ran).toEqual([c, d].sort())
    expect((await migrationShow(dir)).executed).toEqual([a, b])
  })

  it('a remembered name the file no longer gives is refused before anything runs, and corrected for the next run', async () => {
    const env = await withPlugins('typeorm')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writeTypeormProject(join(root, 'users'), 'sqlite', '', [createTable(names[0]!, 't_a')])
    expect((await mig(['status'], { cwd: root, env })).code).toBe(2)
    // What mig remembered, made wrong (as a stale or tampered cache would be): the file's bytes are unchanged.
    const facts = join(env.XDG_CACHE_HOME!, 'mig', 'file-facts')
    for (const f of readdirSync(facts).filter((f) => f.startsWith('typeorm-'))) {
      const text = readFileSync(join(facts, f), 'utf8')
      if (text.includes(names[0]!)) writeFileSync(join(facts, f), text.replace(`"name":"${names[0]}"`, '"name":"Other1700000000000"'))
    }
    const s = json<{ projects: { migrations: { id: string }[] }[] }>(await mig(['status', '--json'], { cwd: root, env }))
    expect(s.projects[0]!.migrations.map((m) => m.id)).toEqual(['Other1700000000000'])
    const r = await mig(['up'], { cwd: root, env })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('no longer exports migration Other1700000000000')
    expect((await migrationShow(dir)).executed).toEqual([])
    // The refusal corrected what mig remembered: the next run lists and applies the migration by its own name.
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    expect((await migrationShow(dir)).executed).toEqual([names[0]])
  })
})
