import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { JOURNAL } from '../../src/core/journal.js'
import { connect } from '../../src/db/connect.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { type TestDatabase, availableDialects, createTestDatabase, serverUrls } from '../../src/testing/index.js'
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
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    expect(database.url).toContain(CANARY)
    const dir = writeSqlProject(root, 'app', database.url, [
      { id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' },
      { id: '002_two', up: 'CREATE TABLE two (id INTEGER);', down: 'DROP TABLE two;' },
      { id: '003_bad', up: "SELECT * FROM no_such_table WHERE note = 'x';" },
    ])
    const runs = [
      ['status'],
      ['status', '--json'],
      ['up', '--step', '2'],
      ['up', '--json', '--step', '1'],
      ['down'],
      ['down', '--json'],
      ['up', '--to', '002_two'],
      ['up'],
      ['up', '--json'],
      ['log'],
      ['log', '--json'],
      ['unlock'],
      ['unlock', '--json'],
      ['down', '--to', 'nope'],
      ['status', '--debug'],
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

const QUERY_CANARY = 'Canary-qs-4b8Xw2'
const SSL_CANARY = 'Canary-sslpw-9dKq1'

/** Every file under `dir`, as text: manifests and anything else mig wrote there. */
const filesText = (dir: string): string =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n')

describe.runIf(dialects.includes('postgres'))('a password in the query string of a PostgreSQL URL', () => {
  it('never appears in status, --json, backup output, backups, log or manifests, and the URL shows it masked', async () => {
    const database: TestDatabase = await createTestDatabase('postgres')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    const url = new URL(database.url)
    url.searchParams.set('password', QUERY_CANARY)
    url.searchParams.set('sslpassword', SSL_CANARY)
    url.searchParams.set('application_name', 'kept')
    writeSqlProject(root, 'app', url.toString(), [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' }])
    const outputs: string[] = []
    for (const args of [
      ['status'],
      ['status', '--json'],
      ['up'],
      ['backup'],
      ['backup', '--json'],
      ['backups'],
      ['backups', '--json'],
      ['log', '--json'],
      ['status', '--debug'],
    ]) {
      const r = await mig(args, { cwd: root })
      // status exits 2 while 001_one is pending, before `up` ran
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(args[0] === 'status' && !outputs.some((o) => o.startsWith('$ mig up')) ? 2 : 0)
      outputs.push(`$ mig ${args.join(' ')}\n${r.stdout}\n${r.stderr}`)
    }
    const status = JSON.parse(outputs[1]!.split('\n').slice(1).join('\n').trim()) as { projects: { database: { url: string } }[] }
    expect(status.projects[0]!.database.url).toBe(
      `postgres://postgres@127.0.0.1:5432/${database.name}?password=***&sslpassword=***&application_name=kept`,
    )
    const all = `${outputs.join('\n')}\n${filesText(join(root, '.mig', 'backups'))}`
    expect(all).toContain('password=***')
    expect(all).not.toContain(QUERY_CANARY)
    expect(all).not.toContain(SSL_CANARY)
  }, 120_000)
})

describe.runIf(dialects.includes('mysql'))('a password in the query string of a MariaDB URL', () => {
  it('never appears, not even in the error of a refused login', async () => {
    const database: TestDatabase = await createTestDatabase('mysql')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      async () => rmSync(root, { recursive: true, force: true }),
    )
    const url = new URL(database.url)
    url.searchParams.set('password', QUERY_CANARY)
    writeSqlProject(root, 'app', url.toString(), [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' }])
    const outputs: string[] = []
    for (const args of [['status'], ['status', '--json'], ['up'], ['backup'], ['backup', '--json'], ['status', '--debug']]) {
      const r = await mig(args, { cwd: root })
      outputs.push(`$ mig ${args.join(' ')}\n${r.stdout}\n${r.stderr}`)
    }
    const all = outputs.join('\n')
    expect(all).toContain('password=***')
    expect(all).not.toContain(QUERY_CANARY)
  }, 120_000)
})

describe.runIf(dialects.includes('postgres'))('a short password', () => {
  it('is masked in the URL and as a word, but never inside a database name', async () => {
    const name = `perf_mig_${Date.now().toString(36)}`
    const admin = await connect(parseDatabaseUrl(serverUrls.postgres, '.'))
    await admin.run(`CREATE DATABASE ${name}`)
    const root = tempDir()
    cleanup.push(
      async () => {
        await admin.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await admin.close()
      },
      async () => rmSync(root, { recursive: true, force: true }),
    )
    const url = new URL(serverUrls.postgres)
    url.password = 'perf'
    url.pathname = `/${name}`
    writeSqlProject(root, 'app', url.toString(), [{ id: '001_one', up: 'CREATE TABLE one (id INTEGER);', down: 'DROP TABLE one;' }])
    const outputs: string[] = []
    for (const args of [['status', '--json'], ['up'], ['backup', '--json'], ['log']]) {
      const r = await mig(args, { cwd: root })
      outputs.push(`$ mig ${args.join(' ')}\n`)
      // status exits 2 while 001_one is pending, before `up` ran
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(args[0] === 'status' && !outputs.some((o) => o.startsWith('$ mig up')) ? 2 : 0)
      outputs[outputs.length - 1] += `${r.stdout}\n${r.stderr}`
    }
    const status = JSON.parse(outputs[0]!.split('\n').slice(1).join('\n').trim()) as { projects: { database: { url: string } }[] }
    expect(status.projects[0]!.database.url).toBe(`postgres://postgres:***@127.0.0.1:5432/${name}`)
    const all = `${outputs.join('\n')}\n${filesText(join(root, '.mig', 'backups'))}`
    expect(all).toContain(`/${name}`)
    expect(all).not.toMatch(/\*\*\*_mig_/)
    expect(all).not.toMatch(/(?<![\p{L}\p{N}_$])perf(?![\p{L}\p{N}_$])/u)
  }, 120_000)
})
