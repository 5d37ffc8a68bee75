import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect } from '../../src/db/connect.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { availableDialects, serverUrls } from '../../src/testing/index.js'
import { type Result, hasStack, json, mig, tableMigrations, tempDir } from '../helpers.js'
import { fleetJson, writeConfig, writeFleetProject } from './support/fleet.js'

const dialects = await availableDialects()

/** One line saying what is wrong, one hint, no stack, the exit code given. */
function refused(r: Result, code: number, message: RegExp, hint?: RegExp): void {
  expect(r.code, r.stderr).toBe(code)
  const lines = r.stderr.trim().split('\n')
  expect(lines[0]).toMatch(message)
  expect(lines.at(-1)).toMatch(/^Hint: /)
  if (hint) expect(lines.at(-1)).toMatch(hint)
  expect(hasStack(r.stderr)).toBe(false)
}

describe('fleet input: targets from lists, files and queries; bad input refused in one line', () => {
  let root: string
  const run = (...args: string[]) => mig(args, { cwd: root })
  const config = (targets: unknown, extra: Record<string, unknown> = {}) => writeConfig(root, { targets, ...extra })
  const three = ['a', 'b', 'c'].map((name) => ({ name, url: `sqlite:../dbs/${name}.db` }))

  beforeAll(() => {
    root = tempDir('mig-fleet-input-')
    writeFleetProject(root, tableMigrations(2))
    mkdirSync(join(root, 'dbs'))
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('--shard out of range, malformed --shard, an unknown --targets name, a --match with no match', async () => {
    config(three)
    refused(await run('up', '--shard', '3/3'), 2, /^Error: --shard 3\/3: the index must be below the count \(0 to 2\)$/, /I\/N/)
    refused(await run('up', '--shard', 'two'), 2, /^Error: --shard two: not of the form I\/N$/)
    // status keeps 2 for "pending": its usage errors exit 1.
    refused(await run('status', '--shard', '1/0'), 1, /^Error: --shard 1\/0: the count must be at least 1$/)
    refused(await run('up', '--targets', 'a,bb'), 2, /^Error: unknown target "bb"$/, /did you mean/)
    refused(await run('up', '--match', 'z*'), 2, /^Error: --match z\* matches no target$/)
    // An empty --targets (an unset variable) or --match never means every target.
    refused(await run('up', '--targets', ''), 2, /^Error: --targets names no target$/)
    refused(await run('up', '--match', ''), 2, /^Error: --match is empty$/)
    // down --all asks about every target the flags select, and without a terminal wants --yes.
    refused(
      await run('down', '--all', '--match', 'a*'),
      2,
      /^Error: Revert EVERY applied migration of tenants \(every target matching a\*\): needs confirmation$/,
      /--yes/,
    )
    // Nothing ran.
    expect(fleetJson(await run('status', '--json')).fleet.states).toEqual({ pending: 3 })
  }, 60_000)

  it('a targets file: JSON, CSV, YAML read; missing or unreadable, bad rows, an unset ${VAR}: refused', async () => {
    writeFileSync(join(root, 't.json'), JSON.stringify(three))
    config({ file: 't.json' })
    expect(fleetJson(await run('status', '--json')).targets.map((t) => t.target)).toEqual(['a', 'b', 'c'])
    writeFileSync(join(root, 't.csv'), 'name,url\r\nx,"sqlite:../dbs/x.db"\r\n\r\ny,sqlite:../dbs/y.db\r\n')
    config({ file: 't.csv' })
    expect(fleetJson(await run('status', '--json')).targets.map((t) => t.target)).toEqual(['x', 'y'])

    config({ file: 'missing.yaml' })
    refused(await run('status'), 1, /^Error: tenants: cannot read its targets file missing\.yaml: it does not exist$/, /targets\.file/)
    writeFileSync(join(root, 'locked.csv'), 'name,url\n')
    chmodSync(join(root, 'locked.csv'), 0o000)
    config({ file: 'locked.csv' })
    // root reads any file: the check is for everyone else.
    if (process.getuid?.() !== 0)
      refused(await run('up'), 1, /^Error: tenants: cannot read its targets file locked\.csv: permission denied$/)
    writeFileSync(
      join(root, 'bad.yaml'),
      '- name: ok\n  url: sqlite:../dbs/ok.db\n- name: "no spaces"\n  url: sqlite:x.db\n- name: twice\n  url: a\n  schema: b\n- name: ok\n  url: sqlite:y.db\n',
    )
    config({ file: 'bad.yaml' })
    const bad = await run('up')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^Error: tenants: bad\.yaml has 3 problems\n {2}row 2: name "no spaces" may hold only letters, digits/)
    expect(bad.stderr).toMatch(/row 3 \(twice\): both url and schema/)
    expect(bad.stderr).toMatch(/row 4: name "ok" is already used by row 1/)
    config([{ name: 'a', url: 'postgres://app:${TENANT_PW}@127.0.0.1:5432/a' }])
    refused(await run('up'), 1, /^Error: tenants: projects\[\]\.targets of tenants has 1 problem$/)
    const unset = await run('up')
    expect(unset.stderr).toContain('uses ${TENANT_PW}, which is not set')
  }, 60_000)

  it('the config is checked: a target name, url and schema together; flags that need a fleet', async () => {
    config([{ name: 'a b', url: 'sqlite:x.db' }])
    const r = await run('status')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/projects\[0\]\.targets/)
    expect(hasStack(r.stderr)).toBe(false)
    writeFileSync(
      join(root, 'mig.config.json'),
      JSON.stringify({ projects: [{ name: 'tenants', tool: 'sql', dir: 'app', url: 'sqlite:./one.db' }] }),
    )
    refused(await run('up', '--targets', 'a'), 2, /^Error: --targets selects fleet targets, but no selected project declares "targets"$/)
  }, 60_000)

  it('a schema target on SQLite: SCHEMA_UNSUPPORTED, said per target; a target of another kind than the tool config: refused', async () => {
    config([{ name: 's1', schema: 'tenant_1' }], { url: 'sqlite:../dbs/own.db' })
    const r = await run('up', '--json')
    const out = fleetJson(r)
    expect(r.code).toBe(1)
    expect(out.targets[0]!.error!.code).toBe('SCHEMA_UNSUPPORTED')
    expect(out.targets[0]!.error!.hint).toMatch(/url/)
    config([{ name: 'pg', url: 'postgres://app@127.0.0.1:1/x' }], { url: 'sqlite:../dbs/own.db' })
    const kind = fleetJson(await run('up', '--json'))
    expect(kind.targets[0]!.error!.code).toBe('TARGET_DIALECT')
    expect(kind.targets[0]!.error!.message).toMatch(/^tenants\/pg: the target is postgres .*, but tenants's sql config connects to sqlite$/)
  }, 60_000)

  it('a control query on SQLite: only its rows, read-only (a writing query fails and writes nothing)', async () => {
    const control = await connect(parseDatabaseUrl(`sqlite:${join(root, 'control.db')}`, root))
    await control.run('CREATE TABLE tenants (name TEXT, url TEXT, active INTEGER)')
    await control.run(
      "INSERT INTO tenants VALUES ('p', 'sqlite:../dbs/p.db', 1), ('q', 'sqlite:../dbs/q.db', 0), ('r', 'sqlite:../dbs/r.db', 1)",
    )
    config({ query: 'SELECT name, url FROM tenants WHERE active = 1 ORDER BY name', url: 'sqlite:./control.db' })
    expect(fleetJson(await run('status', '--json')).targets.map((t) => t.target)).toEqual(['p', 'r'])
    config({ query: 'DELETE FROM tenants RETURNING name, url', url: 'sqlite:./control.db' })
    refused(await run('up'), 1, /^Error: tenants: the targets query failed on sqlite:\.\/control\.db: .*readonly/i, /targets\.query/)
    expect((await control.query('SELECT COUNT(*) AS n FROM tenants'))[0]).toEqual({ n: 3 })
    config({ query: 'SELECT name, url FROM no_such_table', url: 'sqlite:./control.db' })
    refused(await run('status'), 1, /^Error: tenants: the targets query failed on sqlite:\.\/control\.db: no such table: no_such_table$/)
    await control.close()
  }, 60_000)

  it.runIf(dialects.includes('postgres'))(
    'a failing control query on PostgreSQL: one line, the password never shown (nor in --json)',
    async () => {
      const url = new URL(serverUrls.postgres)
      url.password = 's3cret-pw'
      config({ query: 'SELECT name, url FROM no_such_tenants', url: url.toString() })
      const r = await run('status')
      refused(
        r,
        1,
        /^Error: tenants: the targets query failed on postgres:\/\/postgres:\*\*\*@.*: relation "no_such_tenants" does not exist$/,
      )
      const j = await run('up', '--json')
      expect(j.code).toBe(1)
      expect(json<{ error: { code: string } }>(j).error.code).toBe('TARGETS_QUERY')
      // And a target's password, in a fleet's output.
      const target = new URL(serverUrls.postgres)
      target.password = 's3cret-pw'
      config([{ name: 'pg', url: target.toString() }])
      const s = await run('status', '--json')
      expect(fleetJson(s).targets[0]!.target).toBe('pg')
      for (const out of [r, j, s]) expect(out.stdout + out.stderr).not.toContain('s3cret-pw')
    },
    60_000,
  )
})
