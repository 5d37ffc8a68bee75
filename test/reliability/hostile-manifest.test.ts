import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../src/testing/index.js'
import { hasStack, json, mig, tempDir, writeSqlProject } from '../helpers.js'

const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

describe('a manifest that points outside its backup folder', () => {
  it('is refused by restore with one line, skipped by backup.keep (the outside file survives), while the good ones are kept and pruned', async () => {
    const database = await createTestDatabase('sqlite')
    const root = tempDir()
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'shop', database.url, [{ id: '001_t', up: 'CREATE TABLE t (id INTEGER);', down: 'DROP TABLE t;' }])
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop' }], backup: { keep: 2 } }),
    )
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    const first = await mig(['backup', '--json'], { cwd: root })
    expect(first.code, first.stderr).toBe(0)
    const good = json<{ backups: { id: string; file: string; createdAt: string }[] }>(first).backups[0]!

    // Precious files outside the backup folder, and manifests (otherwise valid, oldest of all) that name them.
    const dir = join(root, '.mig', 'backups', 'shop')
    const precious = join(root, 'precious.txt')
    writeFileSync(precious, 'not a backup')
    const manifest = JSON.parse(readFileSync(join(dir, `${good.id}.json`), 'utf8')) as Record<string, unknown>
    const hostile = [
      { ...manifest, id: 'evil-file', file: '../../../precious.txt', createdAt: '2000-01-01T00:00:00.000Z' },
      { ...manifest, id: '../../../precious', createdAt: '2000-01-02T00:00:00.000Z' },
      { ...manifest, id: 'evil-abs', file: precious, createdAt: '2000-01-03T00:00:00.000Z' },
    ]
    hostile.forEach((m, i) => writeFileSync(join(dir, `hostile-${i}.json`), JSON.stringify(m)))

    for (const id of ['evil-file', 'evil-abs']) {
      const r = await mig(['restore', id, '--yes'], { cwd: root })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^Error: .*hostile-\d\.json: its file ".*precious\.txt" is not a file name inside .*; refusing to use it$/m)
      expect(hasStack(r.stderr)).toBe(false)
    }

    // Three more backups with keep: 2: the good oldest go, the hostile manifests and the outside file stay.
    for (let i = 0; i < 3; i++) {
      const r = await mig(['backup'], { cwd: root })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toMatch(
        /warning: backup\.keep skipped .*hostile-0\.json: its file "\.\.\/\.\.\/\.\.\/precious\.txt" is not a file name inside/,
      )
    }
    expect(existsSync(precious)).toBe(true)
    expect(readFileSync(precious, 'utf8')).toBe('not a backup')
    const left = readdirSync(dir)
    expect(left.filter((f) => f.startsWith('hostile-'))).toHaveLength(3)
    expect(left.filter((f) => f.endsWith('.json') && !f.startsWith('hostile-'))).toHaveLength(2)
    expect(left).not.toContain(good.file)
    const listed = await mig(['backups', '--json'], { cwd: root })
    expect(json<{ backups: { id: string }[] }>(listed).backups.map((b) => b.id)).not.toContain('evil-file')
    expect(listed.stderr).toMatch(/warning: skipped .*hostile-1\.json: its id/)
  }, 60_000)
})
