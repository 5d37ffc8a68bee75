import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { afterEach, expect, it } from 'vitest'
import { bin, mig, migSpawnOptions, tableMigrations, tempDir, writeSqlProject } from '../helpers.js'

let root: string | undefined
afterEach(() => root && rmSync(root, { recursive: true, force: true }))

it('a reader that goes away (`mig up | head -1`) does not stop the run halfway or leave its lock', async () => {
  root = tempDir()
  writeSqlProject(root, 'app', 'sqlite:./app.db', tableMigrations(60))
  const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root }))
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  // As `head -1`: read the first line, then close the pipe.
  child.stdout!.once('data', () => child.stdout!.destroy())
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  expect(stderr).not.toMatch(/EPIPE|Unhandled/)
  expect(code).toBe(0)
  const status = await mig(['status', '--json'], { cwd: root })
  const [project] = JSON.parse(status.stdout).projects
  expect(project.summary).toMatchObject({ applied: 60, pending: 0, failed: 0 })
  expect(project.lock ?? null).toBeNull()
})
