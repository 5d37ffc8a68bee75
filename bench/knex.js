#!/usr/bin/env node
// Knex (SQLite): `mig status` against `knex migrate:list` on 1000 applied
// migrations, and `mig up` against `knex migrate:latest` on 200 pending ones.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const work = join(here, '.work', 'knex')
const runs = Number(process.env.BENCH_RUNS ?? 3)
const home = join(work, 'oclif')
const env = { ...process.env, XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_CONFIG_HOME: join(home, 'config'), NODE_ENV: 'development' }

const time = (fn) => {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}
const best = (fn, setup = () => {}) => Math.min(...Array.from({ length: runs }, () => (setup(), time(fn))))
const run = (cwd, cmd, args, okCodes = [0]) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' })
  if (!okCodes.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
}
const mig = (cwd, ...args) => run(cwd, process.execPath, [join(repo, 'bin/run.js'), ...args], [0, 2])
const knex = (cwd, ...args) => run(cwd, process.execPath, [join(repo, 'node_modules/knex/bin/cli.js'), ...args])

function project(n) {
  const dir = join(work, `p${n}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'migrations'), { recursive: true })
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), '{"name":"bench","private":true}')
  writeFileSync(join(dir, 'knexfile.js'), "module.exports = { client: 'better-sqlite3', connection: { filename: './dev.db' }, useNullAsDefault: true }\n")
  for (let i = 1; i <= n; i++) {
    const stamp = String(20240000000000 + i)
    writeFileSync(join(dir, 'migrations', `${stamp}_t${i}.js`), `exports.up = (knex) => knex.schema.createTable('t${i}', (t) => { t.increments(); t.string('name').index() })\nexports.down = (knex) => knex.schema.dropTable('t${i}')\n`)
  }
  return dir
}

rmSync(work, { recursive: true, force: true })
mkdirSync(home, { recursive: true })
mig(work, 'plugins', 'link', join(repo, 'plugins/knex'))

const rows = []
{
  const dir = project(1000)
  knex(dir, 'migrate:latest')
  const native = best(() => knex(dir, 'migrate:list'))
  const ours = best(() => mig(dir, 'status'))
  rows.push({ work: 'status, 1000 applied', 'knex migrate:list (ms)': native.toFixed(0), 'mig (ms)': ours.toFixed(0), ratio: (ours / native).toFixed(2) })
}
{
  const dir = project(200)
  const reset = () => rmSync(join(dir, 'dev.db'), { force: true })
  const native = best(() => knex(dir, 'migrate:latest'), reset)
  const ours = best(() => mig(dir, 'up'), reset)
  rows.push({ work: 'up, 200 pending', 'knex migrate:latest (ms)': native.toFixed(0), 'mig (ms)': ours.toFixed(0), ratio: (ours / native).toFixed(2) })
}
console.table(rows)
rmSync(work, { recursive: true, force: true })
