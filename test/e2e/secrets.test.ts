import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { JOURNAL } from '../../src/core/journal.js'
import { type TestDatabase, availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, writeSqlProject } from '../helpers.js'

const CANARY = 'Canary-pw-7f3a9Zq'
const dialects = await availableDialects()
const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

describe.runIf(dialects.includes('postgres'))('a password in a PostgreSQL URL', () => {
  it('never appears in the output of status, up, down, log, unlock or errors, nor in the journal', async () => {
    // The test server trusts local connections, so any password is accepted: the canary reaches every code path.
    const database: TestDatabase = await createTestDatabase('postgres', { password: CANARY })
    const root = tempDir()
    cleanup.push(() => database.drop(), async () => rmSync(root, { recursive: true, force: true }))
    expect(database.url).toContain(CANARY)
    const dir = writeSqlProject(root, 'app', database.url, [
      { id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' },
      { id: '002_two', up: 'CREATE TABLE two (id INTEGER);', down: 'DROP TABLE two;' },
      { id: '003_bad', up: "SELECT * FROM no_such_table WHERE note = 'x';" },
    ])
    const runs = [
      ['status'], ['status', '--json'], ['up', '--step', '2'], ['up', '--json', '--step', '1'], ['down'], ['down', '--json'],
      ['up', '--to', '002_two'], ['up'], ['up', '--json'], ['log'], ['log', '--json'], ['unlock'], ['unlock', '--json'],
      ['down', '--to', 'nope'], ['status', '--debug'],
    ]
    const outputs: string[] = []
    for (const args of runs) {
      const r = await mig(args, { cwd: root })
      outputs.push(`$ mig ${args.join(' ')}\n${r.stdout}\n${r.stderr}`)
    }
    const broken = new URL(database.url)
    broken.port = '1'
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${broken.toString()}\n`)
    for (const args of [['up'], ['status', '--json'], ['up', '--debug'], ['log', '--json']]) {
      const r = await mig(args, { cwd: root })
      outputs.push(`$ mig ${args.join(' ')}\n${r.stdout}\n${r.stderr}`)
    }
    const all = outputs.join('\n')
    expect(all).toContain('***@')
    expect(all).toContain('no_such_table')
    expect(all).not.toContain(CANARY)
    const journal = await (await database.db()).query<Record<string, unknown>>(`SELECT * FROM ${JOURNAL}`)
    expect(journal.length).toBeGreaterThan(5)
    expect(JSON.stringify(journal)).not.toContain(CANARY)
  }, 120_000)
})
