import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from '../../src/db/connect.js'
import type { Db } from '../../src/db/types.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { bin, mig, migSpawnOptions, tableMigrations, tempDir } from '../helpers.js'
import { fleetJson, journalApplied, ledgerIds, writeConfig, writeFleetProject } from './support/fleet.js'

const ids = tableMigrations(10).map((m) => m.id)
const names = Array.from({ length: 100 }, (_, i) => `t-${String(i).padStart(3, '0')}`)
const bad = 't-003'

/** 100 SQLite files × 10 plain-SQL migrations, the targets listed in mig.config.json; t-003 already holds t7. */
describe('a fleet of 100 SQLite files', () => {
  let root: string
  const file = (name: string) => join(root, 'tenants', `${name}.db`)
  const run = (...args: string[]) => mig(args, { cwd: root })
  async function withDb<R>(name: string, fn: (db: Db) => Promise<R>): Promise<R> {
    const db = await connect(parseDatabaseUrl(`sqlite:${file(name)}`, root))
    try {
      return await fn(db)
    } finally {
      await db.close()
    }
  }
  const ledger = (name: string) => (existsSync(file(name)) ? withDb(name, ledgerIds) : Promise.resolve([]))

  beforeAll(async () => {
    // On tmpfs where there is one: 100 files × 10 commits wait on fsync, which the test is not about.
    root = existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'mig-fleet-sqlite-')) : tempDir('mig-fleet-sqlite-')
    writeFleetProject(root)
    mkdirSync(join(root, 'tenants'))
    // Relative to the project's folder, as a project's own sqlite: URL is.
    writeConfig(root, { targets: names.map((name) => ({ name, url: `sqlite:../tenants/${name}.db` })) })
    await withDb(bad, (db) => db.run('CREATE TABLE t7 (id INTEGER)'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('--fail-fast: after the failing target no new target starts; those running finish', async () => {
    const r = await run('up', '--concurrency', '8', '--fail-fast', '--json')
    const out = fleetJson(r)
    expect(r.code, r.stderr).toBe(1)
    expect(out.fleet.stopped).toBe('fail-fast')
    const failed = out.targets.filter((t) => t.state === 'failed')
    expect(failed.map((t) => t.target)).toEqual([bad])
    const skipped = out.targets.filter((t) => t.state === 'skipped').map((t) => t.target!)
    expect(skipped.length).toBeGreaterThan(0)
    // Skipped means never started: read from the files, not from mig's word.
    for (const name of skipped) expect(await ledger(name), name).toEqual([])
    // Those that started, besides the failing one, ran to the end.
    for (const t of out.targets.filter((t) => t.state !== 'skipped' && t.target !== bad)) {
      expect(t.state).toBe('applied')
      expect(await ledger(t.target!), t.target!).toEqual(ids)
    }
    expect(await ledger(bad)).toEqual(ids.slice(0, 6))
    // The targets run in their order: nothing after a skipped one started.
    const firstSkipped = names.indexOf(skipped[0]!)
    expect(skipped).toEqual(names.slice(firstSkipped))
  }, 60_000)

  it('without --fail-fast the rest finish and the failing target is reported; each migration applied once per target', async () => {
    const r = await run('up', '--concurrency', '8')
    expect(r.code, r.stderr).toBe(1)
    // Not a terminal: a line per target as it settles, the failure with its hint, then the summary.
    expect(r.stdout).toMatch(new RegExp(`^tenants/${bad} {2}failed {2}.*\\n {2}.*007_t7.*\\n {2}hint: `, 'm'))
    expect(r.stdout).toMatch(/^100 targets in [\d.]+m?s: 1 failed, \d+ applied, \d+ current\.$/m)
    for (const name of names) {
      const expected = name === bad ? ids.slice(0, 6) : ids
      expect(await ledger(name), name).toEqual(expected)
      const journal = await withDb(name, journalApplied)
      expect([...journal.keys()].sort(), name).toEqual(expected)
      for (const [id, n] of journal) expect(n, `${name} ${id}`).toBe(1)
    }
  }, 90_000)

  it('status: every target, the OR of their exit codes; --targets and --match select', async () => {
    const all = fleetJson(await run('status', '--json', '--concurrency', '8'))
    expect(all.targets.length).toBe(100)
    expect(all.fleet.states.clean).toBe(99)
    const mine = all.targets.find((t) => t.target === bad)!
    expect(mine.summary!.pending).toBe(4)
    expect(all.exitCode & 2).toBe(2)

    const picked = await run('status', '--json', '--targets', 't-001,t-002', '--targets', 't-050')
    expect(fleetJson(picked).targets.map((t) => t.target)).toEqual(['t-001', 't-002', 't-050'])
    expect(picked.code).toBe(0)
    // Both flags: what both select.
    const both = await run('status', '--json', '--targets', 't-001,t-003,t-011', '--match', 't-0?1')
    expect(fleetJson(both).targets.map((t) => t.target)).toEqual(['t-001', 't-011'])
    const glob = await run('status', '--json', '--match', 't-09*')
    expect(fleetJson(glob).targets.map((t) => t.target)).toEqual(names.slice(90))
  }, 60_000)
})

/** Ctrl-C over a fleet: no new target starts, running ones stop after their current migration, the exit code is the signal's. */
describe('SIGINT during a fleet run', () => {
  let root: string
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('starts no new target, lets each running one stop after its migration, exits 130; a rerun finishes the rest', async () => {
    root = existsSync('/dev/shm') ? mkdtempSync(join('/dev/shm', 'mig-fleet-int-')) : tempDir('mig-fleet-int-')
    // Each migration spins a little (a recursive count), so the run is still going when the signal comes.
    const spin = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT COUNT(*) FROM c;\n'
    writeFleetProject(
      root,
      tableMigrations(5).map((m) => ({ ...m, up: `${m.up}${spin}` })),
    )
    mkdirSync(join(root, 'tenants'))
    const few = names.slice(0, 30)
    writeConfig(root, { targets: few.map((name) => ({ name, url: `sqlite:../tenants/${name}.db` })) })
    const file = (name: string) => join(root, 'tenants', `${name}.db`)
    const ledger = async (name: string) => {
      if (!existsSync(file(name))) return []
      const db = await connect(parseDatabaseUrl(`sqlite:${file(name)}`, root))
      try {
        return await ledgerIds(db)
      } finally {
        await db.close()
      }
    }
    const child = spawn(process.execPath, [bin, 'up', '--concurrency', '2', '--json'], migSpawnOptions({ cwd: root }))
    let stdout = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
    // Signalled once two targets are complete, read from their files.
    for (;;) {
      const done = await Promise.all(few.slice(0, 4).map(async (n) => (await ledger(n)).length === 5))
      if (done.filter(Boolean).length >= 2) break
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    const out = fleetJson({ code: 130, stdout, stderr: '' })
    expect(out.fleet.stopped).toBe('SIGINT')
    const skipped = out.targets.filter((t) => t.state === 'skipped').map((t) => t.target!)
    expect(skipped.length).toBeGreaterThan(0)
    for (const name of skipped) expect(await ledger(name), name).toEqual([])
    // A target the signal caught stopped between migrations: its ledger is a prefix of the list, and its tables match it.
    for (const t of out.targets.filter((t) => t.state === 'interrupted')) {
      const applied = await ledger(t.target!)
      expect(applied, t.target!).toEqual(
        tableMigrations(5)
          .map((m) => m.id)
          .slice(0, applied.length),
      )
    }
    const rerun = await mig(['up', '--concurrency', '4'], { cwd: root })
    expect(rerun.code, rerun.stderr).toBe(0)
    for (const name of few) expect(await ledger(name), name).toEqual(tableMigrations(5).map((m) => m.id))
  }, 120_000)
})
