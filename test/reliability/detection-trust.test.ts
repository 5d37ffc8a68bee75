import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { statusSchema } from '../support/schemas.js'
import { createTestDatabase } from '../../src/testing/index.js'
import { mig, tempDir, withPlugins } from '../helpers.js'
import { createTable, writeKnexProject } from '../../plugins/knex/test/helpers.js'

const cleanup: (() => unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

/** A knexfile that leaves a RAN file beside it when evaluated: the proof that mig ran it. */
const tattleLine = "require('fs').writeFileSync(require('path').join(__dirname, 'RAN'), '')\n"
const tattle = (config: string) => `${tattleLine}module.exports = ${config}\n`

/** Folders below the root that hold a knexfile mig must not run, and why it must not. */
const untrusted = [
  'vendor/lib',
  'third_party/orm',
  'test/fixtures/broken',
  '__fixtures__/x',
  'examples/demo',
  'build/out',
  'generated/db',
  'packages/old',
  'deep/node_modules/pkg',
]

async function repo(): Promise<{ root: string; url: string }> {
  const database = await createTestDatabase('sqlite')
  const root = tempDir()
  cleanup.push(
    () => database.drop(),
    () => rmSync(root, { recursive: true, force: true }),
  )
  spawnSync('git', ['init', '-q'], { cwd: root })
  const api = writeKnexProject(join(root, 'services', 'api'), 'sqlite', database.url, {
    migrationsList: [createTable('20240101000000_a.js', 'a')],
  })
  writeFileSync(join(api, 'knexfile.js'), tattleLine + readFileSync(join(api, 'knexfile.js'), 'utf8'))
  for (const dir of untrusted) {
    mkdirSync(join(root, dir), { recursive: true })
    const env = "{ client: 'better-sqlite3', connection: { filename: './x.db' }, useNullAsDefault: true }"
    writeFileSync(join(root, dir, 'knexfile.js'), tattle(`{ development: ${env}, test: ${env} }`))
  }
  // The repository's .gitignore and a nested one, as git reads them.
  writeFileSync(join(root, '.gitignore'), 'generated/\n')
  writeFileSync(join(root, 'packages', '.gitignore'), 'old/\n')
  return { root, url: database.url }
}

const ran = (root: string, dir: string) => existsSync(join(root, dir, 'RAN'))

describe('detection runs only the project code it should', () => {
  it('status skips git-ignored, vendored, fixture, example and build folders, says how many, and --debug lists them', async () => {
    const env = await withPlugins('knex')
    const { root } = await repo()
    for (const path of [{}, { MIG_FAST_PATH: '0' }]) {
      const r = await mig(['status', '--json'], { cwd: root, env: { ...env, ...path } })
      expect(r.code, r.stderr).toBe(2)
      expect(statusSchema.parse(JSON.parse(r.stdout)).projects.map((p) => [p.name, p.tool, p.dir])).toEqual([
        ['api', 'knex', 'services/api'],
      ])
    }
    expect(ran(root, 'services/api')).toBe(true)
    for (const dir of untrusted) expect(ran(root, dir), dir).toBe(false)

    const text = await mig(['status'], { cwd: root, env })
    expect(text.code).toBe(2)
    // The nine folders above (their top folder, once each) and .git; the api project's node_modules is a symbolic link, which the walk never follows.
    const count = Number(
      /No mig\.config\.json: detected the projects below, skipping (\d+) folders .*--debug lists them/.exec(text.stderr)?.[1],
    )
    expect(count, text.stderr).toBe(untrusted.length + 1)
    expect(text.stderr).not.toMatch(/detection skipped/)

    const debug = await mig(['status', '--debug'], { cwd: root, env })
    expect(debug.code).toBe(2)
    const listed = debug.stderr.split('\n').filter((l) => l.startsWith('detection skipped '))
    expect(listed).toEqual(
      expect.arrayContaining([
        'detection skipped .git/ (skipped by name)',
        'detection skipped vendor/ (skipped by name)',
        'detection skipped third_party/ (skipped by name)',
        'detection skipped test/fixtures/ (skipped by name)',
        'detection skipped __fixtures__/ (skipped by name)',
        'detection skipped examples/ (skipped by name)',
        'detection skipped build/ (skipped by name)',
        'detection skipped deep/node_modules/ (skipped by name)',
        'detection skipped generated/ (git-ignored)',
        'detection skipped packages/old/ (git-ignored)',
      ]),
    )
    expect(listed).toHaveLength(count)
    for (const dir of untrusted) expect(ran(root, dir), dir).toBe(false)
  })

  it('the root itself is never skipped: --cwd into an examples folder detects and runs its project', async () => {
    const env = await withPlugins('knex')
    const { root, url } = await repo()
    writeKnexProject(join(root, 'examples', 'demo', 'app'), 'sqlite', url, { migrationsList: [createTable('20240101000000_a.js', 'a')] })
    const r = await mig(['status', '--json', '--cwd', 'examples/demo'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(2)
    expect(JSON.parse(r.stdout).projects.map((p: { dir: string }) => p.dir)).toEqual(['.', 'app'])
    expect(ran(root, 'examples/demo')).toBe(true)
  })

  it('after mig init the config is the trusted list: a knexfile added later is never run', async () => {
    const env = await withPlugins('knex')
    const { root } = await repo()
    const init = await mig(['init'], { cwd: root, env })
    expect(init.code, init.stderr).toBe(0)
    expect(init.stdout).toMatch(/Wrote mig\.config\.json with 1 project/)
    expect(init.stdout).toMatch(
      /This file is now the trusted list: mig runs the tool configs .* of these projects only and detects no others/,
    )
    expect(JSON.parse(readFileSync(join(root, 'mig.config.json'), 'utf8'))).toEqual({
      projects: [{ name: 'api', tool: 'knex', dir: 'services/api' }],
    })

    mkdirSync(join(root, 'services', 'intruder'))
    writeFileSync(join(root, 'services', 'intruder', 'knexfile.js'), tattle('{}'))
    const r = await mig(['status'], { cwd: root, env })
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).not.toMatch(/No mig\.config\.json/)
    expect(ran(root, 'services/intruder')).toBe(false)
    for (const dir of untrusted) expect(ran(root, dir), dir).toBe(false)
  })
})
