import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect, ProjectRef, Session } from 'mig'
import { availableDialects, createTestDatabase, listTables } from 'mig/testing'
import { openContext } from '../../../src/core/workspace.js'
import { parseDatabaseUrl } from '../../../src/db/url.js'
import { mig, repoRoot, tempDir, withPlugins } from '../../../test/helpers.js'
import { prismaAdapter } from '../src/adapter.js'
import { createTable, migrateStatus, prismaUrl, shim, writePrismaProject } from './helpers.js'

const id = '20240101000000_create_redirected'
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

// Prisma's own CLI runs here only through the engine shim, which speaks SQLite and PostgreSQL, and as Prisma 7, which refuses a
// schema with a url: MariaDB and the schema url are checked without the oracle.
const oracle = (dialect: Dialect, shape: string) => dialect !== 'mysql' && shape === 'prisma.config.ts'
/** Prisma 7 (the URL from prisma.config.ts's env()) and Prisma ≤ 6 (`url = env("DATABASE_URL")` in the schema). */
const cases = (await availableDialects()).flatMap(
  (d) =>
    [
      [d, 'prisma.config.ts'],
      [d, 'schema url'],
    ] as const,
)

/** A project on a new database, the Prisma CLI's engine shim in its `.env` (for `--from-schema`), and two databases. */
async function setUp(dialect: Dialect, legacy: boolean) {
  const first = await createTestDatabase(dialect)
  const second = await createTestDatabase(dialect)
  const root = tempDir()
  cleanup.push(
    () => first.drop(),
    () => second.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  const dir = writePrismaProject(join(root, 'api'), dialect, first.url, [createTable(id, 'redirected')], { legacy })
  appendFileSync(join(dir, '.env'), `PRISMA_SCHEMA_ENGINE_BINARY=${shim}\nPRISMA_SHIM_RESOLVE_FROM=${repoRoot}\n`)
  const [firstTarget, secondTarget] = [parseDatabaseUrl(first.url, dir), parseDatabaseUrl(second.url, dir)]
  const project: ProjectRef = { name: 'api', tool: 'prisma', dir, options: {} }
  const ctx = openContext(project, {
    root,
    env: undefined,
    readOnly: false,
    warn: () => {},
    redirect: (t) => (t.key === firstTarget.key ? secondTarget : undefined),
  })
  return { first, second, dir, project, ctx, secondTarget }
}

describe.each(cases)('prisma on %s (URL from %s): a session redirected by ctx.database() (plan, verify)', (dialect, shape) => {
  it('runs up and down on the database it is given, the Prisma CLI too; the configured one stays untouched', async () => {
    const { first, second, dir, project, ctx, secondTarget } = await setUp(dialect, shape === 'schema url')
    const session = await prismaAdapter.open(project, ctx)
    const [db1, db2] = [await first.db(), await second.db()]
    const ledger = 'SELECT migration_name FROM _prisma_migrations WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL'
    const pendingOnFirst = async () => {
      if (oracle(dialect, shape)) expect((await migrateStatus(dir, prismaUrl(dialect, first.url))).pending).toEqual([id])
    }
    try {
      expect(session.target.key).toBe(secondTarget.key)
      const [pending] = await session.list()
      expect(pending).toMatchObject({ id, state: 'pending' })
      await session.up(pending!, { transaction: 'auto' })
      const [applied] = await session.list()
      expect(applied).toMatchObject({ id, state: 'applied' })
      expect(await listTables(db2)).toEqual(expect.arrayContaining(['_prisma_migrations', 'redirected']))
      expect(await db2.query(ledger)).toEqual([{ migration_name: id }])
      expect(await listTables(db1)).toEqual([])
      if (oracle(dialect, shape)) await fromSchemaReadsTheRedirectedDatabase(session)
      // The oracle: `prisma migrate status` on the configured database (it may create an empty _prisma_migrations there).
      await pendingOnFirst()
      await session.down(applied!, { transaction: 'auto' })
      expect((await session.list()).map((m) => [m.id, m.state])).toEqual([[id, 'pending']])
      expect(await listTables(db2)).not.toContain('redirected')
      expect(await db2.query(ledger)).toEqual([])
      expect(await listTables(db1)).not.toContain('redirected')
      await pendingOnFirst()
    } finally {
      await session.close()
    }
  })
})

/** `prisma migrate diff --from-config-datasource` sees the redirected database: the table `up` made there, which the configured one lacks. */
async function fromSchemaReadsTheRedirectedDatabase(session: Session): Promise<void> {
  const [migration] = await session.create('from_schema', 'default', { fromSchema: true })
  try {
    expect(readFileSync(migration!, 'utf8')).toMatch(/DROP TABLE ("public"\.)?"redirected"/)
  } finally {
    rmSync(dirname(migration!), { recursive: true, force: true })
  }
}

describe('prisma: a URL written into the schema cannot reach the Prisma CLI redirected', () => {
  it("--from-schema is refused; up and down, through mig's own connection, still run on the redirected database", async () => {
    const { first, second, dir, project, ctx } = await setUp('sqlite', true)
    const schema = join(dir, 'prisma', 'schema.prisma')
    writeFileSync(schema, readFileSync(schema, 'utf8').replace('env("DATABASE_URL")', `"${prismaUrl('sqlite', first.url)}"`))
    const session = await prismaAdapter.open(project, ctx)
    try {
      await expect(session.create('x', 'default', { fromSchema: true })).rejects.toMatchObject({ code: 'PRISMA_REDIRECT' })
      const [pending] = await session.list()
      await session.up(pending!, { transaction: 'auto' })
      expect(await listTables(await second.db())).toContain('redirected')
      expect(await listTables(await first.db())).toEqual([])
    } finally {
      await session.close()
    }
  })
})

describe.each(await availableDialects())('prisma on %s: plan and verify, on scratch databases only', (dialect) => {
  it("give no `prisma migrate dev` advice and write no .mig/notices.json; up on the project's own database does both", async () => {
    const env = { ...(await withPlugins('prisma')), NODE_ENV: 'development' }
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    // mig's tables not declared external in prisma.config.ts: what the advice is about.
    writePrismaProject(join(root, 'api'), dialect, database.url, [createTable(id, 'noticed')])
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'api', tool: 'prisma', dir: 'api' }] }))
    const notices = join(root, '.mig', 'notices.json')
    const run = (...args: string[]) => mig(args, { cwd: root, env })
    for (const command of ['verify', 'plan']) {
      const r = await run(command)
      expect(r.code, r.stdout + r.stderr).toBe(0)
      expect(r.stdout + r.stderr).not.toMatch(/prisma migrate dev|externalTables/)
      expect(existsSync(notices), `${command} wrote ${notices}`).toBe(false)
    }
    const up = await run('up')
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr).toMatch(/api: `prisma migrate dev` will see mig_journal/)
    expect(JSON.parse(readFileSync(notices, 'utf8'))).toEqual(['api:prisma-external-tables'])
  })
})
