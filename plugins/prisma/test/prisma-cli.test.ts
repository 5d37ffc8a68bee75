import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { availableDialects, createTestDatabase, listTables } from 'mig/testing'
import { json, mig, pluginProject, repoRoot, tempDir, withPlugins } from '../../../test/helpers.js'
import type { Dialect } from 'mig'
import {
  type PrismaMigration,
  createTable,
  migrateStatus,
  prismaCli,
  prismaUrl,
  shim,
  writeMigration,
  writePrismaProject,
} from './helpers.js'

const names = ['20240101000000_a', '20240102000000_b', '20240103000000_c', '20240104000000_d', '20240105000000_e']
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})
// The Prisma CLI runs here only through the engine shim, which speaks SQLite and PostgreSQL.
const oracleDialects = (await availableDialects()).filter((d) => d !== 'mysql')

/** A new database and a Prisma project for it in `<temp root>/api`, the plugin linked; dropped and removed after the file. */
async function freshProject(dialect: Dialect, migrations: PrismaMigration[]) {
  const env = await withPlugins('prisma')
  const database = await createTestDatabase(dialect)
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  return {
    env,
    root,
    database,
    url: prismaUrl(dialect, database.url),
    dir: writePrismaProject(join(root, 'api'), dialect, database.url, migrations),
  }
}

describe.each(oracleDialects)('prisma on %s: mig and `prisma migrate status` agree', (dialect) => {
  const p = pluginProject('prisma', dialect, (root, database) =>
    writePrismaProject(
      join(root, 'api'),
      dialect,
      database.url,
      names.map((n, i) => createTable(n, `t_${i}`)),
    ),
  )
  const run = (...args: string[]) => p.run(...args)
  const url = () => prismaUrl(dialect, p.database.url)
  const agree = async (applied: number) => {
    const native = await migrateStatus(p.dir, url())
    expect({ applied: native.applied, pending: native.pending }).toEqual({
      applied: names.slice(0, applied),
      pending: names.slice(applied),
    })
    const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await run('status', '--json'))
    expect(status.projects[0]!.migrations.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual(native.applied)
    expect((await listTables(p.db)).filter((t) => t.startsWith('t_'))).toEqual(Array.from({ length: applied }, (_, i) => `t_${i}`))
  }

  it('up --one', async () => {
    const r = await run('up', '--one')
    expect(r.code, r.stderr).toBe(0)
    await agree(1)
  })
  it('up --to ID', async () => {
    expect((await run('up', '--to', names[2]!)).code).toBe(0)
    await agree(3)
  })
  it('down', async () => {
    expect((await run('down')).code).toBe(0)
    await agree(2)
  })
  it('up', async () => {
    expect((await run('up')).code).toBe(0)
    await agree(5)
  })
  it('down --step 2, then `prisma migrate deploy` applies exactly what mig left pending', async () => {
    expect((await run('down', '--step', '2')).code).toBe(0)
    await agree(3)
    const deploy = await prismaCli(p.dir, ['migrate', 'deploy'], url())
    expect(deploy.code, deploy.out).toBe(0)
    expect(deploy.out).toMatch(/20240104000000_d[\s\S]*20240105000000_e/)
    expect(deploy.out).not.toMatch(/20240101000000_a\n/)
    await agree(5)
  })
})

describe.each(oracleDialects)('a %s database migrated earlier by `prisma migrate deploy`', (dialect) => {
  it('reads correctly in mig status, and mig continues from there', async () => {
    const { env, root, url, dir } = await freshProject(
      dialect,
      names.slice(0, 2).map((n, i) => createTable(n, `t_${i}`)),
    )
    const deploy = await prismaCli(dir, ['migrate', 'deploy'], url)
    expect(deploy.code, deploy.out).toBe(0)
    writeMigration(dir, createTable(names[2]!, 't_2'))
    const s = json<{ projects: { migrations: { id: string; state: string; drift: boolean }[] }[] }>(
      await mig(['status', '--json'], { cwd: root, env }),
    )
    expect(s.projects[0]!.migrations.map((m) => [m.id, m.state, m.drift])).toEqual([
      [names[0], 'applied', false],
      [names[1], 'applied', false],
      [names[2], 'pending', false],
    ])
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    expect((await migrateStatus(dir, url)).applied).toEqual(names.slice(0, 3))
  })
})

describe.each(await availableDialects())('failed and edited Prisma migrations on %s', (dialect) => {
  it('a failed migration shows as failed (bit 8), blocks up until `mig down` resolves it', async () => {
    const env = await withPlugins('prisma')
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writePrismaProject(join(root, 'api'), dialect, database.url, [
      createTable(names[0]!, 't_0'),
      { name: names[1]!, up: 'SELECT * FROM no_such_table;\n' },
      createTable(names[2]!, 't_2'),
    ])
    const failed = await mig(['up'], { cwd: root, env })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/api: applying 20240102000000_b failed: .*no_such_table/)
    const db = await database.db()
    const rows = await db.query<{ migration_name: string; finished_at: unknown; logs: string | null }>(
      'SELECT migration_name, finished_at, logs FROM _prisma_migrations ORDER BY migration_name',
    )
    expect(rows.map((r) => [r.migration_name, r.finished_at === null])).toEqual([
      [names[0], false],
      [names[1], true],
    ])
    expect(rows[1]!.logs).toMatch(/no_such_table/)
    if (dialect !== 'mysql') {
      // Prisma itself sees the failure: deploy refuses with P3009 naming it (the shim's `migrate status` does not list failed ones).
      const deploy = await prismaCli(dir, ['migrate', 'deploy'], prismaUrl(dialect, database.url))
      expect(deploy.out).toMatch(/P3009[\s\S]*The `20240102000000_b` migration started at .* failed/)
    }

    const status = await mig(['status', '--json'], { cwd: root, env })
    expect(status.code & 8).toBe(8)
    expect(
      json<{ projects: { migrations: { id: string; state: string }[] }[] }>(status).projects[0]!.migrations.find((m) => m.id === names[1])!
        .state,
    ).toBe('failed')
    const blocked = await mig(['up'], { cwd: root, env })
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toMatch(/migration 20240102000000_b .* failed; Prisma applies no new migrations until it is resolved \(P3009\)/)
    expect(blocked.stderr).toMatch(/mig down --project api/)

    writeFileSync(join(dir, 'prisma', 'migrations', names[1]!, 'migration.sql'), 'SELECT 1;\n')
    const resolved = await mig(['down', '--json'], { cwd: root, env })
    expect(resolved.code, resolved.stderr).toBe(0)
    expect(json<{ migrations: { id: string }[] }>(resolved).migrations.map((m) => m.id)).toEqual([names[1]])
    if (dialect !== 'mysql') {
      const status = await migrateStatus(dir, prismaUrl(dialect, database.url))
      expect(status.pending).toEqual([names[1], names[2]])
    }
    const again = await mig(['up'], { cwd: root, env })
    expect(again.code, again.stderr).toBe(0)
    expect((await mig(['status'], { cwd: root, env })).code).toBe(0)
    expect((await db.query('SELECT 1 FROM _prisma_migrations WHERE rolled_back_at IS NOT NULL')).length).toBe(1)
  })

  it('an edited migration.sql shows as drift; a CRLF-only change does not; a migration without down.sql is refused with the diff command', async () => {
    const env = await withPlugins('prisma')
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writePrismaProject(join(root, 'api'), dialect, database.url, [
      createTable(names[0]!, 't_0'),
      { name: names[1]!, up: 'CREATE TABLE t_1 (id INTEGER);\n' },
    ])
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    const file = join(dir, 'prisma', 'migrations', names[0]!, 'migration.sql')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'))
    let s = await mig(['status', '--json'], { cwd: root, env })
    expect(s.code).toBe(0)
    writeFileSync(file, readFileSync(file, 'utf8') + '-- edited\r\n')
    s = await mig(['status', '--json'], { cwd: root, env })
    expect(s.code & 4).toBe(4)
    expect(
      json<{ projects: { migrations: { id: string; drift: boolean }[] }[] }>(s).projects[0]!.migrations.find((m) => m.id === names[0])!
        .drift,
    ).toBe(true)

    const refused = await mig(['down'], { cwd: root, env })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/20240102000000_b has no down migration/)
    expect(refused.stderr).toMatch(
      /npx prisma migrate diff --from-config-datasource --to-schema .* --script -o prisma\/migrations\/20240102000000_b\/down\.sql/,
    )
  })
})

describe.skipIf(!oracleDialects.includes('postgres'))('a ?schema= URL on PostgreSQL', () => {
  it("mig status still reads mig's journal (an edited down.sql is drift only the journal sees) while Prisma's ledger is in the schema", async () => {
    const { env, root, dir, url, database: test } = await freshProject('postgres', [createTable(names[0]!, 't_a')])
    const database = new URL(url)
    database.searchParams.set('schema', 'app')
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${database.toString()}\n`)
    const admin = await test.db()
    await admin.run('CREATE SCHEMA app')
    const up = await mig(['up'], { cwd: root, env })
    expect(up.code, up.stderr).toBe(0)
    expect((await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM app._prisma_migrations'))[0]!.n).toBe(1)
    const clean = json<{ projects: { migrations: { drift: boolean }[] }[] }>(await mig(['status', '--json'], { cwd: root, env }))
    expect(clean.projects[0]!.migrations.map((m) => m.drift)).toEqual([false])
    // Prisma's checksum covers migration.sql only; mig's journal covers down.sql too.
    writeFileSync(join(dir, 'prisma', 'migrations', names[0]!, 'down.sql'), 'DROP TABLE "t_a" CASCADE;\n')
    const s = await mig(['status', '--json'], { cwd: root, env })
    expect(s.code & 4, s.stdout).toBe(4)
    expect(json<{ projects: { migrations: { drift: boolean }[] }[] }>(s).projects[0]!.migrations.map((m) => m.drift)).toEqual([true])
  })
})

describe('Prisma ≤ 6 layout and mig make', () => {
  it('url = env("DATABASE_URL") in schema.prisma, .env loaded; mig make writes migration.sql and down.sql', async () => {
    const env = await withPlugins('prisma')
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const dir = writePrismaProject(join(root, 'api'), 'sqlite', 'sqlite:./dev.db', [createTable(names[0]!, 't_0')], { legacy: true })
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    // Prisma ≤ 6 resolves a relative SQLite file against the schema's folder.
    const Database = (await import('better-sqlite3')).default
    const sqlite = new Database(join(dir, 'prisma', 'dev.db'))
    expect(sqlite.prepare('SELECT migration_name, typeof(started_at) AS t FROM _prisma_migrations').all()).toEqual([
      { migration_name: names[0], t: 'integer' },
    ])
    sqlite.close()
    const made = await mig(['make', 'add_phone', '--json'], { cwd: root, env })
    expect(made.code, made.stderr).toBe(0)
    const files = json<{ files: string[] }>(made).files
    expect(files.map((f) => f.replace(/.*migrations\//, ''))).toEqual([
      expect.stringMatching(/^\d{14}_add_phone\/migration\.sql$/),
      expect.stringMatching(/^\d{14}_add_phone\/down\.sql$/),
    ])
  })
})

describe.each(oracleDialects)('mig make --from-schema on %s', (dialect) => {
  it('fills migration.sql and down.sql with prisma migrate diff; they apply and revert, and Prisma agrees', async () => {
    const { env, root, url, dir } = await freshProject(dialect, [
      {
        name: names[0]!,
        up: 'CREATE TABLE "Item" ("id" INTEGER NOT NULL, CONSTRAINT "Item_pkey" PRIMARY KEY ("id"));\n',
        down: 'DROP TABLE "Item";\n',
      },
    ])
    expect((await mig(['up'], { cwd: root, env })).code).toBe(0)
    const schema = join(dir, 'prisma', 'schema.prisma')
    writeFileSync(schema, `${readFileSync(schema, 'utf8')}\nmodel Post {\n  id    Int    @id\n  title String\n}\n`)
    const shimEnv = { ...env, PRISMA_SCHEMA_ENGINE_BINARY: shim, PRISMA_SHIM_RESOLVE_FROM: repoRoot }
    const made = await mig(['make', 'add_post', '--from-schema', '--json'], { cwd: root, env: shimEnv })
    expect(made.code, made.stderr).toBe(0)
    const [up, down] = json<{ files: string[] }>(made).files
    expect(readFileSync(up!, 'utf8')).toMatch(/CREATE TABLE "Post"/)
    expect(readFileSync(down!, 'utf8')).toMatch(/DROP TABLE ("public"\.)?"Post"/)
    const applied = await mig(['up'], { cwd: root, env })
    expect(applied.code, `${applied.stderr}\n${readFileSync(up!, 'utf8')}`).toBe(0)
    expect((await migrateStatus(dir, url)).pending).toEqual([])
    expect((await mig(['down'], { cwd: root, env })).code).toBe(0)
    expect((await migrateStatus(dir, url)).pending).toEqual([up!.split('/').at(-2)])
    const sql = await mig(['make', 'x', '--from-schema'], {
      cwd: root,
      env: { ...env, PRISMA_SCHEMA_ENGINE_BINARY: '/nonexistent/engine' },
    })
    expect(sql.code).toBe(1)
    expect(sql.stderr).toMatch(/Error: api: prisma migrate diff failed: /)
  })
})

describe.each(oracleDialects)('`prisma migrate dev` on %s, after mig', (dialect) => {
  it("calls mig's tables drift until prisma.config.ts declares them external; mig says how, once per project", async () => {
    const item =
      dialect === 'sqlite'
        ? 'CREATE TABLE "Item" ("id" INTEGER NOT NULL PRIMARY KEY);\n'
        : 'CREATE TABLE "Item" ("id" INTEGER NOT NULL, CONSTRAINT "Item_pkey" PRIMARY KEY ("id"));\n'
    const { env, root, url, dir } = await freshProject(dialect, [{ name: names[0]!, up: item, down: 'DROP TABLE "Item";\n' }])
    const up = await mig(['up'], { cwd: root, env })
    expect(up.code, up.stderr).toBe(0)
    const tables = dialect === 'sqlite' ? "'mig_journal', 'mig_lock'" : "'public.mig_journal'"
    expect(up.stderr).toContain(
      `api: \`prisma migrate dev\` will see mig_journal${dialect === 'sqlite' ? ' and mig_lock' : ''} as drift and ask to reset the database; declare them external in prisma.config.ts: experimental: { externalTables: true }, tables: { external: [${tables}] }`,
    )
    // Advice, given once: the next runs do not repeat it.
    for (const command of ['down', 'up']) {
      const again = await mig([command], { cwd: root, env })
      expect(again.code, again.stderr).toBe(0)
      expect(again.stderr).not.toMatch(/prisma migrate dev/)
    }
    const drift = await prismaCli(dir, ['migrate', 'dev', '--name', 'next'], url)
    expect(drift.out).toMatch(/Drift detected[\s\S]*mig_journal[\s\S]*reset/)

    // The lines the warning gives.
    const config = join(dir, 'prisma.config.ts')
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        'defineConfig({\n',
        `defineConfig({\n  experimental: { externalTables: true },\n  tables: { external: [${tables}] },\n`,
      ),
    )
    const dev = await prismaCli(dir, ['migrate', 'dev', '--name', 'next'], url)
    expect(dev.code, dev.out).toBe(0)
    expect(dev.out).toMatch(/Already in sync/)
    const down = await mig(['down'], { cwd: root, env })
    expect(down.code, down.stderr).toBe(0)
    expect(down.stderr).not.toMatch(/prisma migrate dev/)
  })
})
