import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { statusSchema } from '../support/schemas.js'
import { createTestDatabase } from '../../src/testing/index.js'
import { hasStack, mig, tempDir, withPlugins, writeSqlProject } from '../helpers.js'
import { writeKnexProject } from '../../plugins/knex/test/helpers.js'

const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

/** A repository with a plain-SQL project on a real database and a knex project whose knexfile never settles. */
async function repo(knexfile: string, config?: Record<string, unknown>): Promise<string> {
  const database = await createTestDatabase('sqlite')
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  writeSqlProject(root, 'shop', database.url, [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
  // A healthy knex project beside the hung one: it must not wait for the hung config's turn to end.
  writeKnexProject(join(root, 'orders'), 'sqlite', 'sqlite:./orders.db', {
    migrationsList: [
      {
        name: '20240101000000_a.js',
        up: "await knex.schema.createTable('a', (t) => { t.increments('id') })",
        down: "await knex.schema.dropTable('a')",
      },
    ],
  })
  const dir = writeKnexProject(join(root, 'jobs'), 'sqlite', '')
  writeFileSync(join(dir, 'knexfile.js'), knexfile)
  if (config) writeFileSync(join(root, 'mig.config.json'), JSON.stringify(config))
  return root
}

const timedOut = /jobs: did not load its tool config within 2 s/

describe('a tool config that never settles times out instead of hanging', () => {
  it.each([
    ['a knexfile exporting a promise that never settles', 'module.exports = new Promise(() => {})\n'],
    [
      'a knexfile function awaiting forever (a secret fetched from a host that never answers)',
      'module.exports = async () => { await new Promise(() => {}); return {} }\n',
    ],
  ])('%s: status answers for the other project and exits 1 within the timeout', async (_, knexfile) => {
    const env = await withPlugins('knex')
    const root = await repo(knexfile)
    for (const path of [{}, { MIG_FAST_PATH: '0' }]) {
      const started = Date.now()
      const r = await mig(['status', '--timeout', '2', '--json'], { cwd: root, env: { ...env, ...path } })
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(r.code, r.stderr).toBe(1 | 2)
      const out = statusSchema.parse(JSON.parse(r.stdout))
      const jobs = out.projects.find((p) => p.name === 'jobs')!
      expect(jobs.error).toMatchObject({
        code: 'OPEN_TIMEOUT',
        message: expect.stringMatching(timedOut),
        hint: expect.stringContaining('--timeout'),
      })
      expect(out.projects.find((p) => p.name === 'shop')!.summary).toMatchObject({ pending: 1 })
      expect(out.projects.find((p) => p.name === 'orders')).toMatchObject({ summary: { pending: 1 } })
    }
  })

  it('up fails with one line, the hint and exit 1; "timeoutSeconds" in mig.config sets the default', async () => {
    const env = await withPlugins('knex')
    const root = await repo('module.exports = new Promise(() => {})\n', {
      timeoutSeconds: 2,
      projects: [
        { name: 'jobs', tool: 'knex', dir: 'jobs' },
        { name: 'orders', tool: 'knex', dir: 'orders' },
        { name: 'shop', tool: 'sql', dir: 'shop' },
      ],
    })
    const started = Date.now()
    const r = await mig(['up'], { cwd: root, env })
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines.find((l) => l.startsWith('Error: '))).toMatch(timedOut)
    expect(lines.find((l) => l.startsWith('Hint: '))).toMatch(/--timeout SECONDS/)
    expect(hasStack(r.stderr + r.stdout)).toBe(false)

    const text = await mig(['status'], { cwd: root, env })
    expect(text.code).toBe(1 | 2)
    expect(text.stderr).toMatch(/Error: jobs: did not load its tool config within 2 s/)
  })
})
