import { type Server, type Socket, createConnection, createServer } from 'node:net'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { availableDialects, createTestDatabase, serverUrls } from '../../src/testing/index.js'
import { hasStack, mig, tempDir, writeSqlProject } from '../helpers.js'

// `mig wait`: until the database server accepts connections. The server here is a listener of the
// test's own on 127.0.0.1, which refuses, then accepts and drops, then forwards to the real PostgreSQL.

const dialects = await availableDialects()
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

/** The frozen `mig wait --json` result (see test/support/schemas.ts for the others). */
const waitSchema = z.strictObject({
  databases: z.array(
    z.strictObject({
      projects: z.array(z.string()),
      database: z.strictObject({ dialect: z.enum(['postgres', 'mysql', 'sqlite']), url: z.string() }),
      ms: z.number().int().min(0),
      note: z.string().optional(),
    }),
  ),
  exitCode: z.literal(0),
})

/** A free port on 127.0.0.1 that nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const { port } = probe.address() as { port: number }
  await new Promise((r) => probe.close(r))
  return port
}

type Mode = 'drop' | 'hang' | 'forward'

/** Listen on `port`: drop each connection, hold it without a word, or forward it to `upstream`. */
async function listen(port: number, upstream: { host: string; port: number }, initial: Mode) {
  let mode = initial
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client)).on('error', () => {})
    if (mode === 'drop') return void client.destroy()
    if (mode === 'hang') return
    const server = createConnection(upstream)
    sockets.add(server)
    server.on('close', () => client.destroy()).on('error', () => client.destroy())
    client.on('close', () => server.destroy())
    client.pipe(server).pipe(client)
  })
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
  return {
    set: (m: Mode) => (mode = m),
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise((r) => server.close(r))
    },
  }
}

const pg = new URL(serverUrls.postgres)
const upstream = { host: pg.hostname, port: Number(pg.port || 5432) }
/** As mig shows a URL: the password masked. */
const shown = (url: string): string => url.replace(/:[^:@/]*@/, ':***@')
const through = (port: number, database: string): string => {
  const u = new URL(serverUrls.postgres)
  u.hostname = '127.0.0.1'
  u.port = String(port)
  u.pathname = `/${database}`
  return u.toString()
}

function repo(url: string): string {
  const root = tempDir()
  cleanup.push(() => rmSync(root, { recursive: true, force: true }))
  writeSqlProject(root, 'app', url, [{ id: '001_a', up: 'CREATE TABLE a (x int);\n' }])
  return root
}

const timed = async (args: string[], cwd: string) => {
  const started = Date.now()
  const r = await mig(args, { cwd })
  return { ...r, ms: Date.now() - started }
}

describe.skipIf(!dialects.includes('postgres'))('mig wait', () => {
  it('waits while nothing listens, then while connections drop, and is done once the server answers', async () => {
    const database = await createTestDatabase('postgres')
    cleanup.push(() => database.drop())
    const port = await freePort()
    const root = repo(through(port, database.name))
    let listener: Awaited<ReturnType<typeof listen>> | undefined
    cleanup.push(() => listener?.close())
    const phases = (async () => {
      // Long enough for mig to start and find nothing listening, even on a busy machine.
      await new Promise((r) => setTimeout(r, 3000))
      listener = await listen(port, upstream, 'drop')
      await new Promise((r) => setTimeout(r, 1500))
      listener.set('forward')
    })()
    const r = await timed(['wait', '--timeout', '30s'], root)
    await phases
    expect(r.code, r.stderr).toBe(0)
    expect(r.ms).toBeGreaterThanOrEqual(4500)
    const url = shown(through(port, database.name))
    expect(r.stderr).toBe(`waiting for ${url} (app): ECONNREFUSED\n`)
    expect(r.stdout).toMatch(new RegExp(`^ready  app  ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  after \\d+(\\.\\d)?s\\n$`))

    // Up now: the JSON result, at once.
    const json = await timed(['wait', '--json'], root)
    expect(json.code).toBe(0)
    const result = waitSchema.parse(JSON.parse(json.stdout))
    expect(result.databases).toEqual([{ projects: ['app'], database: { dialect: 'postgres', url }, ms: expect.any(Number) }])
    expect(json.stderr).toBe('')
  })

  it('with nothing listening and --timeout 2s, fails after about 2 s: one line, a hint, exit 1', async () => {
    const port = await freePort()
    const root = repo(through(port, 'app'))
    const r = await timed(['wait', '--timeout', '2s'], root)
    expect(r.code).toBe(1)
    expect(r.ms).toBeGreaterThanOrEqual(1900)
    expect(r.ms).toBeLessThan(4500)
    const url = shown(through(port, 'app'))
    expect(r.stderr).toBe(
      [
        `waiting for ${url} (app): ECONNREFUSED`,
        `Error: app: ${url} did not accept connections within 2s (ECONNREFUSED)`,
        'Hint: is the server starting, and are the host and port right? wait longer with --timeout (e.g. --timeout 2m)',
        '',
      ].join('\n'),
    )
    expect(hasStack(r.stderr)).toBe(false)
    expect(r.stdout).toBe('')
  })

  it('a listener that never answers is given up at the timeout too', async () => {
    const port = await freePort()
    const listener = await listen(port, upstream, 'hang')
    cleanup.push(() => listener.close())
    const root = repo(through(port, 'app'))
    const r = await timed(['wait', '--timeout', '1500ms', '--json'], root)
    expect(r.code).toBe(1)
    expect(r.ms).toBeLessThan(4000)
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'WAIT_TIMEOUT', message: expect.stringMatching(/did not accept connections within 1\.5s \(no answer\)$/) },
      exitCode: 1,
    })
  })

  it('a database the server says does not exist is ready (the server answers); a SQLite file has nothing to wait for', async () => {
    const root = repo(through(upstream.port, 'mig_wait_no_such_db'))
    writeSqlProject(root, 'files', 'sqlite:./files.db', [{ id: '001_a', up: 'CREATE TABLE a (x int);\n' }])
    const r = await mig(['wait'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    const url = shown(through(upstream.port, 'mig_wait_no_such_db'))
    expect(r.stdout.split('\n')).toEqual([
      `ready  app  ${url}  database "mig_wait_no_such_db" does not exist on ${url}: the server answers`,
      'ready  files  sqlite:./files.db  a file: no server to wait for',
      '',
    ])
  })

  it('refused credentials fail at once, and a duration it cannot read is a usage error', async () => {
    if (dialects.includes('mysql')) {
      const root = repo('mysql://mig_no_such_user:wrong@127.0.0.1:3306/app')
      const r = await timed(['wait', '--timeout', '20s'], root)
      expect(r.code).toBe(1)
      expect(r.ms).toBeLessThan(8000)
      expect(r.stderr).toBe(
        'Error: authentication failed for user "mig_no_such_user" on mysql://mig_no_such_user:***@127.0.0.1:3306/app\nHint: check the user and password in the connection URL (or DATABASE_URL)\n',
      )
    }
    const bad = await mig(['wait', '--timeout', '2x'], { cwd: repo('sqlite:./a.db') })
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Error: Parsing --timeout\n  "2x" is not a duration: write 30s, 500ms, 2m or 1m30s\nHint: see `mig wait --help`\n',
    })
  })
})
