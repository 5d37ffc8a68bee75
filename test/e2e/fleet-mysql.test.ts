import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableDialects } from '../../src/testing/index.js'
import { mig, tableMigrations, tempDir } from '../helpers.js'
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

/** 30 MariaDB databases × 10 plain-SQL migrations, --concurrency 8, the targets from a YAML file with a password kept in the environment. */
describe.runIf(dialects.includes('mysql'))('a fleet of 30 MariaDB databases', () => {
  let fleet: ServerFleet
  let root: string
  const run = (...args: string[]) => mig(args, { cwd: root, env: { TENANT_PASSWORD: '' } })

  beforeAll(async () => {
    fleet = await serverFleet('mysql', 30)
    root = tempDir('mig-fleet-mysql-')
    writeFleetProject(root)
    // ${TENANT_PASSWORD} expands from the environment (empty here: root has none), as a project's url does.
    const rows = fleet.names.map((n) => `- name: ${n}\n  url: "${fleet.url(n).replace('root@', 'root:${TENANT_PASSWORD}@')}"\n`)
    writeFileSync(join(root, 'tenants.yaml'), rows.join(''))
    writeConfig(root, { targets: { file: 'tenants.yaml' } })
  }, 120_000)
  afterAll(async () => {
    await fleet?.drop()
    if (root) rmSync(root, { recursive: true, force: true })
  }, 120_000)

  it('up applies every migration exactly once per target; status agrees; a rerun does nothing', async () => {
    const r = await run('up', '--concurrency', '8', '--json')
    expect(r.code, r.stderr).toBe(0)
    const out = fleetJson(r)
    expect(out.targets.map((t) => t.target)).toEqual(fleet.names)
    for (const t of out.targets) expect(t.migrations!.map((m) => m.id)).toEqual(ids)
    await inParallel(fleet.names, 6, (n) =>
      fleet.withDb(n, async (db) => {
        expect(await ledgerIds(db), n).toEqual(ids)
        const journal = await journalApplied(db)
        expect([...journal.keys()].sort(), n).toEqual(ids)
        for (const [id, count] of journal) expect(count, `${n} ${id}`).toBe(1)
      }),
    )
    const status = await run('status', '--json', '--concurrency', '8')
    expect(status.code).toBe(0)
    expect(fleetJson(status).fleet.states).toEqual({ clean: 30 })
    const again = await run('up', '--concurrency', '8')
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/^30 targets in [\d.]+m?s: 30 current\.$/m)
  }, 120_000)
})
