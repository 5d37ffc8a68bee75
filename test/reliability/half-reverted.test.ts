import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { LEDGER } from '../../src/adapters/sql/adapter.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { json, mig, tempDir, writeSqlProject } from '../helpers.js'

/**
 * A down that stops partway where no transaction covers it (MariaDB's DDL)
 * leaves the migration half reverted while the ledger still says applied:
 * status says failed, up and down stop on it, and `mig resolve` says which
 * way it was finished by hand.
 */
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

interface Status {
  projects: { migrations: { id: string; state: string; error?: string }[] }[]
  exitCode: number
}

describe.runIf((await availableDialects()).includes('mysql'))('a down that stops partway on MariaDB', () => {
  it.each(['--rolled-back', '--applied'] as const)('is failed until `mig resolve %s` says how it was finished', async (how) => {
    const database = await createTestDatabase('mysql')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'shop', database.url, [
      {
        id: '001_two_tables',
        up: 'CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n',
        down: 'DROP TABLE b;\nDROP TABLE no_such_table;\nDROP TABLE a;\n',
      },
    ])
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    const down = await mig(['down'], { cwd: root })
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/shop: reverting 001_two_tables failed: .*no_such_table.* \(1 of 3 statements ran\)/)
    const db = await database.db()
    const ledger = async () => (await db.query<{ id: string }>(`SELECT id FROM ${LEDGER}`)).map((r) => r.id)
    expect(await ledger()).toEqual(['001_two_tables'])

    const status = await mig(['status', '--json'], { cwd: root })
    expect(status.code & 8).toBe(8)
    expect(json<Status>(status).projects[0]!.migrations[0]).toMatchObject({
      id: '001_two_tables',
      state: 'failed',
      error: expect.stringMatching(/^reverting it stopped partway: /),
    })
    for (const command of ['up', 'down']) {
      const stopped = await mig([command], { cwd: root })
      expect(stopped.code).toBe(1)
      expect(stopped.stderr).toMatch(/shop 001_two_tables failed partway on its last run/)
    }

    if (how === '--rolled-back') {
      await db.run('DROP TABLE a')
      expect((await mig(['resolve', '001_two_tables', how, '--reason', 'finished the revert by hand'], { cwd: root })).code).toBe(0)
      expect(await ledger()).toEqual([])
      expect(json<Status>(await mig(['status', '--json'], { cwd: root })).projects[0]!.migrations[0]!.state).toBe('pending')
      expect((await mig(['up'], { cwd: root })).code).toBe(0)
    } else {
      await db.run('CREATE TABLE b (id INT)')
      expect((await mig(['resolve', '001_two_tables', how, '--reason', 'put b back by hand'], { cwd: root })).code).toBe(0)
      expect(await ledger()).toEqual(['001_two_tables'])
    }
    const after = await mig(['status', '--json'], { cwd: root })
    expect(json<Status>(after).projects[0]!.migrations[0]!.state).toBe('applied')
    expect(after.code).toBe(0)
  })
})
