import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../src/testing/index.js'
import { type Result, bin, hasStack, mig, migSpawnOptions, tempDir, writeSqlProject } from '../helpers.js'

const cleanup: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanup) await c()
})

/** `mig up` as a child whose stderr can be watched while it runs. */
function startUp(root: string, args: string[]): { stderr: () => string; done: Promise<Result> } {
  const child = spawn(process.execPath, [bin, 'up', ...args], migSpawnOptions({ cwd: root }))
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  return {
    stderr: () => stderr,
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))),
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * Another process holding the SQLite file's write lock (as a migration
 * writing a lot does, once its changes spill out of the page cache) makes
 * every reader wait, then fail with SQLITE_BUSY. For mig that is a held
 * lock: wait, say who holds it, honour the lock timeout; never an internal
 * "database is locked … report it".
 */
describe('SQLite busy is a held lock', () => {
  it('up waits while the file is busy, times out with the lock error, and runs once the writer is done; unlock shows the busy holder', async () => {
    const database = await createTestDatabase('sqlite')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'app', database.url, [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);\n', down: 'DROP TABLE t;\n' }])
    const db = await database.db()
    await db.run('CREATE TABLE app_data (id INTEGER)')
    await db.run('BEGIN EXCLUSIVE')
    await db.run('INSERT INTO app_data VALUES (1)')

    const timedOut = await mig(['up', '--lock-timeout', '1'], { cwd: root })
    expect(timedOut.code).toBe(1)
    expect(timedOut.stderr).toMatch(/waiting for the migration lock on .*, held by a run writing to the file/)
    expect(timedOut.stderr).toMatch(/^Error: timed out after 1s waiting for the migration lock/m)
    expect(timedOut.stderr).not.toMatch(/report it|INTERNAL/)
    expect(hasStack(timedOut.stderr)).toBe(false)

    const unlock = await mig(['unlock'], { cwd: root })
    expect(unlock.code, unlock.stderr).toBe(0)
    expect(unlock.stdout).toMatch(/held by a run writing to the file/)

    const waiting = startUp(root, ['--lock-timeout', '30'])
    await until(() => /waiting for the migration lock/.test(waiting.stderr()), 15_000)
    await db.run('COMMIT')
    const applied = await waiting.done
    expect(applied.code, applied.stderr).toBe(0)
    expect(applied.stdout).toMatch(/001_t/)
    expect((await db.query<{ id: string }>('SELECT id FROM mig_sql_migrations')).map((r) => r.id)).toEqual(['001_t'])
  })
})
