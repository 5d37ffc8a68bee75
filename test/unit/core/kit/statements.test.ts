import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runSql } from '../../../../src/core/kit/statements.js'
import { connect } from '../../../../src/db/connect.js'
import type { Db } from '../../../../src/db/types.js'
import { parseDatabaseUrl } from '../../../../src/db/url.js'
import { MigrationFailure } from '../../../../src/output/errors.js'
import { tempDir } from '../../../helpers.js'

// SQLite: a file, no server.
let db: Db
beforeEach(async () => {
  db = await connect(parseDatabaseUrl(`sqlite:${join(tempDir(), 'kit.db')}`, '/'))
})
afterEach(async () => {
  await db.close()
})
const tables = async () =>
  (await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name)
const script = "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\nCREATE TABLE b (s TEXT DEFAULT 'x;y');\n-- only a comment\n"

describe('runSql', () => {
  it('runs statement by statement: each captured, progress after each, then the record', async () => {
    const captured: string[] = []
    const progress: [number, number][] = []
    await runSql(db, script, {
      capture: (sql) => captured.push(sql),
      progress: (done, total) => void progress.push([done, total]),
      record: () => db.run('CREATE TABLE ledger (id INTEGER)'),
    })
    expect(captured.map((s) => s.trim())).toEqual([
      'CREATE TABLE a (id INTEGER)',
      'INSERT INTO a VALUES (1)',
      "CREATE TABLE b (s TEXT DEFAULT 'x;y')",
    ])
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
    expect(await tables()).toEqual(['a', 'b', 'ledger'])
  })
  it('without a transaction, a failure keeps what ran before it, and says so (partial), naming the statement', async () => {
    const failing = 'CREATE TABLE a (id INTEGER);\nSELECT * FROM nowhere;\nCREATE TABLE c (id INTEGER);\n'
    const error = await runSql(db, failing, { label: '001_a.up.sql' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationFailure)
    expect(error).toMatchObject({ partial: true, statement: expect.stringMatching(/^\s*SELECT \* FROM nowhere$/) })
    expect((error as Error).message).toMatch(/^001_a\.up\.sql: .*nowhere/)
    expect(await tables()).toEqual(['a'])
  })
  it('in a transaction, a failure leaves nothing, the record neither', async () => {
    const error = await runSql(db, 'CREATE TABLE a (id INTEGER);\nSELECT * FROM nowhere;\n', {
      transactional: true,
      record: () => db.run('CREATE TABLE ledger (id INTEGER)'),
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ partial: false })
    expect(await tables()).toEqual([])
  })
  it('stops between statements once the signal aborts, rolling back', async () => {
    const controller = new AbortController()
    const error = await runSql(db, script, { transactional: true, signal: controller.signal, progress: () => controller.abort() }).catch(
      (e: unknown) => e,
    )
    expect((error as Error).message).toMatch(/interrupted before the next statement/)
    expect(await tables()).toEqual([])
  })
  it('as a script, runs the whole text as the dialect runs a script and captures it as one', async () => {
    const captured: string[] = []
    await runSql(db, script, { as: 'script', capture: (sql) => captured.push(sql) })
    expect(captured).toEqual([script])
    expect(await tables()).toEqual(['a', 'b'])
    const error = await runSql(db, 'CREATE TABLE c (id INTEGER);\nSELECT * FROM nowhere;\n', { as: 'script' }).catch((e: unknown) => e)
    // SQLite runs a script as one batch without a transaction: what ran before the failure stays.
    expect(error).toMatchObject({ partial: true })
    expect(await tables()).toEqual(['a', 'b', 'c'])
  })
})
