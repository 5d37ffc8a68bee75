import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dialect } from '../../src/db/types.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { hasStack, json, mig, tempDir, writeSqlProject } from '../helpers.js'

/** A 1 MiB tmpfs as backup.dir: a dump of a few MiB cannot fit. Mounting needs root; without it the suite says why it skips. */
const mountPoint = tempDir('mig-full-')
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]).status === 0
const dialects = await availableDialects()
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
  if (mounted) spawnSync('umount', [mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
})
beforeAll(() => {
  if (!mounted) console.warn(`disk-full tests skipped: cannot mount a tmpfs at ${mountPoint} (needs root or CAP_SYS_ADMIN)`)
})

const filler: Record<Dialect, string> = {
  postgres: 'CREATE TABLE filler AS SELECT g AS id, md5(g::text) || md5(random()::text) AS payload FROM generate_series(1, 60000) g;',
  mysql: 'CREATE TABLE filler AS SELECT seq AS id, CONCAT(MD5(seq), MD5(RAND())) AS payload FROM seq_1_to_60000;',
  sqlite:
    'CREATE TABLE filler AS WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 60000) SELECT n AS id, hex(randomblob(32)) AS payload FROM g;',
}

describe.runIf(mounted).each(dialects)('a full disk during a backup on %s', (dialect) => {
  it('is one line naming the folder and its free space, exit 1, and leaves no partial file', async () => {
    const database = await createTestDatabase(dialect)
    const root = tempDir()
    const dir = join(mountPoint, dialect)
    mkdirSync(dir)
    cleanup.push(
      () => database.drop(),
      () => rmSync(root, { recursive: true, force: true }),
    )
    writeSqlProject(root, 'shop', database.url, [{ id: '001_filler', up: filler[dialect], down: 'DROP TABLE filler;' }])
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop' }], backup: { dir } }),
    )
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    const r = await mig(['backup'], { cwd: root })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(
      new RegExp(`^Error: no space left for the backup in ${dir}/shop \\(\\d+ KiB free\\); nothing was kept of this backup$`, 'm'),
    )
    expect(hasStack(r.stderr)).toBe(false)
    expect(
      r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('Error:')),
    ).toHaveLength(1)
    expect(readdirSync(join(dir, 'shop'))).toEqual([])
    // The journal holds no backup entry for it, and `mig backups` lists nothing.
    expect(json<{ backups: unknown[] }>(await mig(['backups', '--json'], { cwd: root })).backups).toEqual([])
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)
})

describe.runIf(mounted)('a full disk during a SQLite restore', () => {
  it('leaves the database file whole and as it was, and no temp file beside it', async () => {
    const root = tempDir()
    const dbDir = join(mountPoint, 'sqlite-restore')
    mkdirSync(dbDir)
    const file = join(dbDir, 'app.db')
    cleanup.push(() => rmSync(root, { recursive: true, force: true }))
    writeSqlProject(root, 'shop', `sqlite:${file}`, [
      { id: '001_small', up: 'CREATE TABLE small (id INTEGER PRIMARY KEY, payload TEXT);', down: 'DROP TABLE small;' },
      {
        id: '002_fill',
        up: 'INSERT INTO small WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 2000) SELECT n, hex(randomblob(64)) FROM g;',
        down: 'DELETE FROM small;',
      },
    ])
    // The backups live on the big disk; the database on the small one, which holds two copies, but not once it is filled up.
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'shop', tool: 'sql', dir: 'shop' }] }))
    expect((await mig(['up'], { cwd: root })).code).toBe(0)
    const b = await mig(['backup', '--json'], { cwd: root })
    expect(b.code, b.stderr).toBe(0)
    const id = json<{ backups: { id: string }[] }>(b).backups[0]!.id
    expect((await mig(['down'], { cwd: root })).code).toBe(0)
    const ballast = join(mountPoint, 'ballast')
    const free = Number(spawnSync('df', ['--output=avail', '-B1', mountPoint], { encoding: 'utf8' }).stdout.trim().split('\n')[1])
    writeFileSync(ballast, Buffer.alloc(Math.max(0, free - 64 * 1024)))
    cleanup.push(() => rmSync(ballast, { force: true }))

    const r = await mig(['restore', id, '--yes'], { cwd: root })
    rmSync(ballast, { force: true })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toMatch(/^Error: restore into sqlite:.* failed before the swap, the target was not changed: /m)
    expect(hasStack(r.stderr)).toBe(false)
    expect(readdirSync(dbDir).filter((f) => f !== 'app.db' && !f.startsWith('app.db-'))).toEqual([])
    const status = json<{ projects: { migrations: { id: string; state: string }[] }[] }>(await mig(['status', '--json'], { cwd: root }))
    expect(status.projects[0]!.migrations.map((m) => `${m.id} ${m.state}`)).toEqual(['001_small applied', '002_fill pending'])
    const check = spawnSync(
      'node',
      [
        '-e',
        `const D=require('better-sqlite3');const d=new D(${JSON.stringify(file)});console.log(d.pragma('integrity_check',{simple:true}), d.prepare('select count(*) n from small').get().n)`,
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') } },
    )
    expect(check.stdout.trim()).toBe('ok 0')

    expect(existsSync(file)).toBe(true)
    const again = await mig(['restore', id, '--yes'], { cwd: root })
    expect(again.code, again.stderr).toBe(0)
  }, 120_000)
})
