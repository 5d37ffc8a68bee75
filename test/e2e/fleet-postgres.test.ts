import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableDialects } from '../../src/testing/index.js'
import { bin, mig, migSpawnOptions, tableMigrations, tempDir } from '../helpers.js'
import {
  fleetJson,
  type ServerFleet,
  inParallel,
  journalApplied,
  ledgerIds,
  serverFleet,
  writeConfig,
  writeFleetProject,
} from './support/fleet.js'

const dialects = await availableDialects()
const ids = tableMigrations(10).map((m) => m.id)

/** 50 tenants in the default run (CI's time budget), 100 with MIG_TEST_FLEET_FULL=1. */
const SIZE = process.env.MIG_TEST_FLEET_FULL ? 100 : 50

/**
 * SIZE PostgreSQL tenant databases × 10 plain-SQL migrations, --concurrency 8,
 * the targets from a CSV file. One tenant (t-042) already holds the table its
 * migration 007 creates, so that migration fails there and only there.
 */
describe.runIf(dialects.includes('postgres'))(`a fleet of ${SIZE} PostgreSQL databases`, () => {
  let fleet: ServerFleet
  let root: string
  const bad = 't-042'
  const run = (...args: string[]) => mig(args, { cwd: root })

  beforeAll(async () => {
    fleet = await serverFleet('postgres', SIZE)
    root = tempDir('mig-fleet-pg-')
    // Migration 006 sleeps a little, so a run over the targets lasts long enough to be killed halfway.
    const migrations = tableMigrations(10).map((m, i) => (i === 5 ? { ...m, up: `${m.up}SELECT pg_sleep(0.15);\n` } : m))
    writeFleetProject(root, migrations)
    writeFileSync(join(root, 'tenants.csv'), `name,url\n${fleet.names.map((n) => `${n},"${fleet.url(n)}"`).join('\n')}\n`)
    writeConfig(root, { targets: { file: 'tenants.csv' } })
    await fleet.withDb(bad, (db) => db.run('CREATE TABLE t7 (id INTEGER)'))
  }, 120_000)
  afterAll(async () => {
    await fleet?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  }, 120_000)

  it('kill -9 midway; the rerun finishes without redoing anything; the failing tenant is reported while the rest finish', async () => {
    const child = spawn(process.execPath, [bin, 'up', '--concurrency', '8'], migSpawnOptions({ cwd: root }))
    const exited = new Promise((resolve) => child.on('close', resolve))
    // Killed once some targets are complete, read from their databases (the first ones start first).
    const first = fleet.names.slice(0, 12).filter((n) => n !== bad)
    for (;;) {
      const complete = await inParallel(first, 4, (n) => fleet.withDb(n, async (db) => (await ledgerIds(db)).length === 10))
      if (complete.filter(Boolean).length >= 3) break
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill('SIGKILL')
    await exited
    const before = await inParallel(fleet.names, 8, (n) => fleet.withDb(n, async (db) => (await ledgerIds(db)).length))
    expect(before.filter((n) => n === 10).length).toBeGreaterThanOrEqual(3)
    // The kill came before the end: some targets were left with migrations to do.
    expect(before.filter((n) => n < 10).length).toBeGreaterThan(1)

    const r = await run('up', '--concurrency', '8', '--json')
    const out = fleetJson(r)
    expect(r.code, r.stderr).toBe(1)
    expect(out.exitCode).toBe(1)
    expect(out.targets.map((t) => t.target).sort()).toEqual(fleet.names)
    const failed = out.targets.filter((t) => t.state === 'failed')
    expect(failed.map((t) => t.target)).toEqual([bad])
    expect(failed[0]!.error!.message).toContain('007_t7')
    expect(failed[0]!.exitCode).toBe(1)
    // Targets complete before the kill had nothing to do; the rest were finished by the rerun.
    for (const t of out.targets) {
      if (t.target === bad) continue
      const had = before[fleet.names.indexOf(t.target!)]!
      expect(t.state, t.target!).toBe(had === 10 ? 'current' : 'applied')
      expect((t.migrations ?? []).length, t.target!).toBe(10 - had)
    }

    // The databases are the truth: every migration applied once per target, in the ledger and in the journal.
    await inParallel(fleet.names, 8, (n) =>
      fleet.withDb(n, async (db) => {
        const journal = await journalApplied(db)
        const expected = n === bad ? ids.slice(0, 6) : ids
        expect(await ledgerIds(db), n).toEqual(expected)
        expect([...journal.keys()].sort(), n).toEqual(expected)
        for (const [id, count] of journal) expect(count, `${n} ${id}`).toBe(1)
      }),
    )
  }, 150_000)

  it('status: --shard 0/3, 1/3 and 2/3 together cover every target exactly once; the exit code is the OR of the targets', async () => {
    const seen: string[] = []
    let code = 0
    for (const i of [0, 1, 2]) {
      const r = await run('status', '--json', '--shard', `${i}/3`, '--concurrency', '8')
      const out = fleetJson(r)
      expect(out.targets.length).toBeGreaterThan(0)
      expect(out.targets.length).toBeLessThan(SIZE)
      for (const t of out.targets) expect(t.state, t.target!).toMatch(t.target === bad ? /^(pending|failed)$/ : /^clean$/)
      seen.push(...out.targets.map((t) => t.target!))
      expect(r.code).toBe(out.exitCode)
      code |= r.code
    }
    expect(seen.sort()).toEqual(fleet.names)
    // t-042 has pending migrations (and its journal a failed run): its shard's exit code carries that, the others are 0.
    expect(code & 2).toBe(2)
    expect(code & 1).toBe(0)
    // Without --json, not on a terminal: a line per target, then the summary.
    const r = await run('status', '--concurrency', '8', '--targets', `t-000,t-001,${bad}`)
    expect(r.stdout).toMatch(/^tenants\/t-000 {2}clean 10 /m)
    expect(r.stdout).toMatch(new RegExp(`^tenants/${bad} {2}(pending 4|failed) `, 'm'))
    expect(r.stdout).toMatch(/^3 targets in [\d.]+m?s: /m)
  }, 60_000)
})
