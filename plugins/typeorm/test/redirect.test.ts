import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect, ProjectRef } from 'mig'
import { availableDialects, createTestDatabase, listTables } from 'mig/testing'
import { openContext } from '../../../src/core/workspace.js'
import { parseDatabaseUrl } from '../../../src/db/url.js'
import { tempDir } from '../../../test/helpers.js'
import { typeormAdapter } from '../src/adapter.js'
import { createTable, migrationShow, writeTypeormProject } from './helpers.js'

const id = 'CreateRedirected1700000000000'
const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

/** The DataSource's connection as `url` (what the helper writes), or for a server as host, port, username and database. */
type Shape = 'url' | 'parts'
const cases = (await availableDialects()).flatMap((d): [string, Shape][] =>
  d === 'sqlite'
    ? [[d, 'url']]
    : [
        [d, 'url'],
        [d, 'parts'],
      ],
)

function asParts(dir: string, url: string): void {
  const file = join(dir, 'src', 'data-source.ts')
  const u = new URL(url)
  const parts = `host: '${u.hostname}', port: ${u.port}, username: '${decodeURIComponent(u.username)}', database: '${u.pathname.slice(1)}'`
  writeFileSync(file, readFileSync(file, 'utf8').replace(`url: ${JSON.stringify(url)}`, parts))
  expect(readFileSync(file, 'utf8')).toContain(parts)
}

describe.each(cases)('typeorm on %s (connection as %s): a session redirected by ctx.database() (plan, verify)', (dialect, shape) => {
  it("runs up and down on the database it is given; the DataSource's own database stays untouched", async () => {
    const first = await createTestDatabase(dialect as Dialect)
    const second = await createTestDatabase(dialect as Dialect)
    const root = tempDir()
    cleanup.push(
      () => first.drop(),
      () => second.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    const dir = writeTypeormProject(join(root, 'users'), dialect as Dialect, first.url, [createTable(id, 'redirected')])
    if (shape === 'parts') asParts(dir, first.url)
    const [firstTarget, secondTarget] = [parseDatabaseUrl(first.url, dir), parseDatabaseUrl(second.url, dir)]
    const project: ProjectRef = { name: 'users', tool: 'typeorm', dir, options: {} }
    const ctx = openContext(project, {
      root,
      env: undefined,
      readOnly: false,
      warn: () => {},
      redirect: (t) => (t.key === firstTarget.key ? secondTarget : undefined),
    })
    const session = await typeormAdapter.open(project, ctx)
    const [db1, db2] = [await first.db(), await second.db()]
    try {
      expect(session.target.key).toBe(secondTarget.key)
      const [pending] = await session.list()
      expect(pending).toMatchObject({ id, state: 'pending' })
      await session.up(pending!, { transaction: 'auto' })
      const [applied] = await session.list()
      expect(applied).toMatchObject({ id, state: 'applied' })
      expect(await listTables(db2)).toEqual(expect.arrayContaining(['migrations', 'redirected']))
      expect(await db2.query('SELECT name FROM migrations')).toEqual([{ name: id }])
      expect(await listTables(db1)).toEqual([])
      // The oracle: TypeORM's own CLI on the DataSource as written (it may create its empty migrations table there).
      expect(await migrationShow(dir)).toEqual({ executed: [], pending: [id] })
      await session.down(applied!, { transaction: 'auto' })
      expect((await session.list()).map((m) => [m.id, m.state])).toEqual([[id, 'pending']])
      expect(await listTables(db2)).not.toContain('redirected')
      expect(await db2.query('SELECT name FROM migrations')).toEqual([])
      expect(await listTables(db1)).not.toContain('redirected')
      expect(await migrationShow(dir)).toEqual({ executed: [], pending: [id] })
    } finally {
      await session.close()
    }
    // A session opened after, not redirected, is on the real database again.
    const again = await typeormAdapter.open(project, openContext(project, { root, env: undefined, readOnly: false, warn: () => {} }))
    try {
      expect(again.target.key).toBe(firstTarget.key)
      expect((await again.list()).map((m) => [m.id, m.state])).toEqual([[id, 'pending']])
    } finally {
      await again.close()
    }
  })
})
