import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect, ProjectRef } from 'mig'
import { availableDialects, createTestDatabase, listTables } from 'mig/testing'
import { openContext } from '../../../src/core/workspace.js'
import { parseDatabaseUrl } from '../../../src/db/url.js'
import { tempDir } from '../../../test/helpers.js'
import { sequelizeAdapter } from '../src/adapter.js'
import { createTable, migrateStatus, writeSequelizeProject } from './helpers.js'

const id = '20240101000000-create-redirected.js'
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

// Decoys beside a URL: sequelize-cli lets the URL's parts win, and so must the redirection.
const decoys = { database: 'decoy', storage: 'decoy.sqlite' }
/** How the environment names its database: parts (the helper's), `url`, or `use_env_variable` with the URL in `.env` (exported to sequelize-cli, which reads no `.env`). */
const shapes: Record<string, (url: string) => { env?: Record<string, unknown>; dotenv: Record<string, string> }> = {
  parts: () => ({ dotenv: {} }),
  url: (url) => ({ env: { url, ...decoys }, dotenv: {} }),
  use_env_variable: (url) => ({ env: { use_env_variable: 'REDIRECT_DATABASE_URL', ...decoys }, dotenv: { REDIRECT_DATABASE_URL: url } }),
}
const cases = (await availableDialects()).flatMap((d) => Object.keys(shapes).map((s) => [d, s] as const))
const quote = (dialect: Dialect, name: string) => (dialect === 'mysql' ? `\`${name}\`` : `"${name}"`)

describe.each(cases)('sequelize on %s (%s): a session redirected by ctx.database() (plan, verify)', (dialect, shape) => {
  it('runs up and down on the database it is given; the configured one stays untouched', async () => {
    const first = await createTestDatabase(dialect)
    const second = await createTestDatabase(dialect)
    const root = tempDir()
    cleanup.push(
      () => first.drop(),
      () => second.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const { env, dotenv } = shapes[shape]!(first.url)
    const dir = writeSequelizeProject(join(root, 'app'), dialect, first.url, {
      migrations: [createTable(id, 'redirected')],
      ...(env ? { env } : {}),
    })
    writeFileSync(
      join(dir, '.env'),
      Object.entries(dotenv)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    )
    const [firstTarget, secondTarget] = [parseDatabaseUrl(first.url, dir), parseDatabaseUrl(second.url, dir)]
    const project: ProjectRef = { name: 'app', tool: 'sequelize', dir, options: {} }
    const ctx = openContext(project, {
      root,
      env: undefined,
      readOnly: false,
      warn: () => {},
      redirect: (t) => (t.key === firstTarget.key ? secondTarget : undefined),
    })
    const session = await sequelizeAdapter.open(project, ctx)
    const [db1, db2] = [await first.db(), await second.db()]
    const ledger = `SELECT name FROM ${quote(dialect, 'SequelizeMeta')}`
    try {
      expect(session.target.key).toBe(secondTarget.key)
      const [pending] = await session.list()
      expect(pending).toMatchObject({ id, state: 'pending' })
      await session.up(pending!, { transaction: 'auto' })
      const [applied] = await session.list()
      expect(applied).toMatchObject({ id, state: 'applied' })
      expect(await listTables(db2)).toEqual(expect.arrayContaining(['SequelizeMeta', 'redirected']))
      expect(await db2.query(ledger)).toEqual([{ name: id }])
      expect(await listTables(db1)).toEqual([])
      // The oracle: sequelize-cli on the config as written (its status creates an empty SequelizeMeta there).
      expect(await migrateStatus(dir, dotenv)).toEqual({ up: [], down: [id] })
      await session.down(applied!, { transaction: 'auto' })
      expect((await session.list()).map((m) => [m.id, m.state])).toEqual([[id, 'pending']])
      expect(await listTables(db2)).not.toContain('redirected')
      expect(await db2.query(ledger)).toEqual([])
      expect(await listTables(db1)).not.toContain('redirected')
      expect(await migrateStatus(dir, dotenv)).toEqual({ up: [], down: [id] })
      expect(existsSync(join(dir, 'decoy.sqlite'))).toBe(false)
    } finally {
      await session.close()
    }
  })
})

describe('sequelize: what cannot be redirected is refused, not run on the real database', () => {
  it('migrationStorage "json": the ledger is a project file', async () => {
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    const first = join(root, 'first.sqlite')
    const dir = writeSequelizeProject(join(root, 'app'), 'sqlite', `sqlite:${first}`, {
      migrations: [createTable(id, 'redirected')],
      env: { migrationStorage: 'json' },
    })
    const project: ProjectRef = { name: 'app', tool: 'sequelize', dir, options: {} }
    const scratch = parseDatabaseUrl(`sqlite:${join(root, 'scratch.sqlite')}`, root)
    const ctx = openContext(project, { root, env: undefined, readOnly: false, warn: () => {}, redirect: () => scratch })
    await expect(sequelizeAdapter.open(project, ctx)).rejects.toMatchObject({
      code: 'SEQUELIZE_REDIRECT',
      message: expect.stringContaining('migrationStorage is "json"'),
    })
    expect([existsSync(first), existsSync(join(dir, 'sequelize-meta.json'))]).toEqual([false, false])
  })
})
