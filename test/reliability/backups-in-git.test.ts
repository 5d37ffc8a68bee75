import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { trackedBackups } from '../../src/core/backup.js'
import { createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, writeSqlProject } from '../helpers.js'

const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

async function repo() {
  const database = await createTestDatabase('sqlite')
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  writeSqlProject(root, 'shop', database.url, [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
  git(root, 'init', '-q')
  return root
}

describe('backups next to the code stay out of git', () => {
  it('mig backup creates the backup folder with a .gitignore of `*`: git sees nothing to add', async () => {
    const root = await repo()
    const r = await mig(['backup'], { cwd: root })
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(join(root, '.mig', 'backups', '.gitignore'), 'utf8')).toBe('*\n')
    git(root, 'add', '.')
    expect(
      git(root, 'ls-files')
        .split('\n')
        .filter((f) => f.startsWith('.mig/')),
    ).toEqual([])
  })

  it('mig init adds .mig/backups/ to the repository .gitignore once, keeping what was there', async () => {
    const fresh = await repo()
    expect((await mig(['init'], { cwd: fresh })).code).toBe(0)
    expect(readFileSync(join(fresh, '.gitignore'), 'utf8')).toBe('.mig/backups/\n')

    const root = await repo()
    writeFileSync(join(root, '.gitignore'), 'node_modules\n*.log')
    expect((await mig(['init'], { cwd: root })).code).toBe(0)
    expect((await mig(['init', '--force'], { cwd: root })).code).toBe(0)
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toBe('node_modules\n*.log\n.mig/backups/\n')
  })

  it('status warns about a dump committed by force (trackedBackups), which is silent outside git or without git', async () => {
    const root = await repo()
    expect((await mig(['backup'], { cwd: root })).code).toBe(0)
    const dir = join(root, '.mig', 'backups')
    expect(trackedBackups(root, dir)).toEqual([])
    git(root, 'add', '-f', '.mig/backups')
    git(root, 'commit', '-qm', 'oops')
    const tracked = trackedBackups(root, dir)
    expect(tracked.some((f) => /^\.mig\/backups\/shop\/.*\.sqlite$/.test(f))).toBe(true)
    expect(tracked.some((f) => f.endsWith('.json'))).toBe(true)
    const status = await mig(['status'], { cwd: root })
    expect(status.stderr).toMatch(/^Warning: git tracks \d+ backup files \(full data dumps\), e\.g\. \.mig\/backups\/shop\//m)
    expect(JSON.parse((await mig(['status', '--json'], { cwd: root })).stdout).trackedBackups).toEqual(tracked)

    const outside = tempDir()
    cleanup.push(() => rmSync(outside, { recursive: true, force: true }))
    expect(trackedBackups(outside, join(outside, '.mig', 'backups'))).toEqual([])
    const path = process.env.PATH
    process.env.PATH = outside
    try {
      expect(trackedBackups(root, dir)).toEqual([])
    } finally {
      process.env.PATH = path
    }
  })
})
