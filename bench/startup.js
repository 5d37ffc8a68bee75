#!/usr/bin/env node
// npm run bench:startup: the start-up of the release routine's commands on a copy of
// examples/mixed-repo (six projects, five tools, SQLite), everything applied, against
// `node -e 0` on the same machine in the same rounds (A B C … interleaved, median of
// BENCH_RUNS rounds). Two installs: every plugin linked, and only the knex plugin
// (the usual state when each team installs only its own plugin).
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repo, workspace, time } from './lib.js'

const rounds = Number(process.env.BENCH_RUNS ?? 15)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function measure(label, plugins) {
  const bench = workspace(`startup-${label}`, plugins)
  const root = join(bench.work, 'mixed-repo')
  cpSync(join(repo, 'examples', 'mixed-repo'), root, { recursive: true })
  for (const service of readdirSync(join(root, 'services')))
    for (const f of readdirSync(join(root, 'services', service))) if (/\.(db|sqlite)$/.test(f)) rmSync(join(root, 'services', service, f))
  const projects = { knex: 'jobs', sequelize: 'legacy', typeorm: 'users', prisma: 'reviews' }
  for (const project of ['billing', 'catalog', ...plugins.map((p) => projects[p])]) bench.mig(root, 'up', '--project', project)
  const run = (args) => () => spawnSync(process.execPath, args, { cwd: root, env: bench.env, stdio: 'ignore' })
  const bin = join(repo, 'bin', 'run.js')
  const commands = {
    'node -e 0': run(['-e', '0']),
    'mig --version': run([bin, '--version']),
    'mig status': run([bin, 'status']),
    'mig up --one (nothing pending)': run([bin, 'up', '--one', '--project', 'billing']),
  }
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]))
  for (const fn of Object.values(commands)) fn() // warm-up
  for (let i = 0; i < rounds; i++) for (const [k, fn] of Object.entries(commands)) times[k].push(time(fn))
  const base = median(times['node -e 0'])
  const rows = Object.entries(times).map(([command, t]) => ({
    plugins: label,
    command,
    'median (ms)': median(t).toFixed(0),
    'x node -e 0': (median(t) / base).toFixed(2),
  }))
  bench.cleanup()
  return rows
}

console.table([...measure('all', ['knex', 'sequelize', 'typeorm', 'prisma']), ...measure('knex-only', ['knex'])])
