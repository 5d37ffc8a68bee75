import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/types.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { bin, hasStack, mig, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'

// The client tools mig runs (pg_dump, mariadb-dump, psql, …) go through execa (src/backup/tools.ts):
// a signal to mig stops them, and a tool missing from PATH is one line with the package to install.

const servers = (await availableDialects()).filter((d) => d !== 'sqlite')
const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

/** Processes whose command line holds every one of `words`: the dump tool of this test's database. */
function processes(...words: string[]): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
      if (words.every((w) => cmd.includes(w))) found.push(`${pid} ${cmd}`)
    } catch {
      // Gone while we looked.
    }
  }
  return found
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const tool = { postgres: 'pg_dump', mysql: 'dump' } as const
const lock = {
  postgres: ['BEGIN', 'LOCK TABLE t IN ACCESS EXCLUSIVE MODE'],
  mysql: ['LOCK TABLES t WRITE'],
} as const

describe.each(servers)('a signal to mig during a %s backup', (dialect) => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the dump tool: no process left running on, nothing kept', async (signal) => {
    const database = await createTestDatabase(dialect)
    cleanup.push(() => database.drop())
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'app', database.url, [{ id: '001_t', up: 'CREATE TABLE t (x int);\n' }])
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    // Another session holds the table: the dump waits for it, without writing, for as long as it is held.
    const holder: Db = await database.db()
    for (const sql of lock[dialect]) await holder.run(sql)
    const child: ChildProcess = spawn(process.execPath, [bin, 'backup'], migSpawnOptions({ cwd: root }))
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
    try {
      await until(`${tool[dialect]} to start`, () => processes(tool[dialect], database.name).length > 0)
      // Blocked on the lock, not merely starting.
      await new Promise((r) => setTimeout(r, 500))
      expect(processes(tool[dialect], database.name)).toHaveLength(1)
      // Only mig gets the signal (as from `kill`, a CI runner, or a parent process), not its process group.
      child.kill(signal)
      expect(await closed).toBe(signal === 'SIGTERM' ? 143 : 130)
      await until(`${tool[dialect]} to exit`, () => processes(tool[dialect], database.name).length === 0, 8000)
    } finally {
      child.kill('SIGKILL')
      await holder.run(dialect === 'postgres' ? 'ROLLBACK' : 'UNLOCK TABLES')
    }
    expect(hasStack(stderr)).toBe(false)
    const dir = join(root, '.mig', 'backups', 'app')
    // The tool's own stop, not an exit from under it (the MySQL client's options-file cleanup used to exit first).
    expect(stderr).toMatch(
      new RegExp(
        `^Error: (pg_dump|mariadb-dump|mysqldump) stopped: interrupted \\(${signal}\\)\nHint: it stopped before finishing: run the command again\n$`,
      ),
    )
    // Its partial file was removed, as for any failed backup.
    expect(readdirSync(dir)).toEqual([])
    if (dialect === 'postgres') {
      // The server agrees: pg_dump's session is gone.
      const sessions = await holder.query<{ n: number }>(
        "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = ? AND application_name = 'mig backup'",
        [database.name],
      )
      expect(sessions[0]!.n).toBe(0)
    }
  })
})

describe('a client tool missing from PATH', () => {
  it.skipIf(!servers.includes('postgres'))('is one line naming the package that installs it, exit 1', async () => {
    const database = await createTestDatabase('postgres')
    cleanup.push(() => database.drop())
    const root = tempDir()
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'app', database.url, [{ id: '001_t', up: 'CREATE TABLE t (x int);\n' }])
    const r = await mig(['backup'], { cwd: root, env: { PATH: '/nonexistent' } })
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Error: pg_dump is not installed\nHint: install postgresql-client (e.g. apt-get install postgresql-client) and make sure pg_dump is on PATH\n',
    })
    const asJson = await mig(['backup', '--json'], { cwd: root, env: { PATH: '/nonexistent' } })
    expect(asJson.code).toBe(1)
    expect(JSON.parse(asJson.stdout).error).toMatchObject({ code: 'TOOL_MISSING', message: 'pg_dump is not installed' })
  })
})
