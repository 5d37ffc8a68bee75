#!/usr/bin/env node
// Sequelize: is `mig up` flat per migration as the history grows, and how
// much memory does it take? Generated histories of BENCH_SIZES migrations
// (default 200 and 1000) on SQLite (BENCH_DIALECT=postgres for PostgreSQL),
// applied by `mig up` as sequelize-cli would run them (no transaction) and
// with `"transaction": true` (mig.tx.json), sizes interleaved round by round
// (BENCH_ROUNDS, default 1). Peak RSS is mig's own process, from
// /usr/bin/time. Then `mig status` against `sequelize-cli db:migrate:status`
// on the largest history, applied. "beyond that" takes off the time of the
// same `mig up` with nothing left to apply (startup, listing, validation). Issue #18's targets: per migration flat
// from 200 to 1000, peak RSS under 150 MB. Against sequelize-cli's own
// db:migrate: bench/native/sequelize.js (npm run bench:native).
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { best, repo, row, workspace } from './lib.js'

const sizes = (process.env.BENCH_SIZES ?? '200,1000').split(',').map(Number)
const rounds = Number(process.env.BENCH_ROUNDS ?? 1)
const dialect = process.env.BENCH_DIALECT ?? 'sqlite'
const pgServer = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432'
const b = workspace('sequelize', ['sequelize'])
const cli = (cwd, ...args) => b.node(cwd, 'node_modules/sequelize-cli/lib/sequelize', ...args)
const psql = (sql) => {
  const r = spawnSync('psql', [`${pgServer}/postgres`, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(r.stderr)
}

/** A sequelize-cli project of n migrations on a fresh database. */
function project(n) {
  const dir = join(b.work, `p${n}`)
  const database = `mig_bench_seq_${process.pid}_${n}`
  rmSync(dir, { recursive: true, force: true })
  b.project(dir)
  mkdirSync(join(dir, 'config'))
  mkdirSync(join(dir, 'migrations'))
  const env =
    dialect === 'sqlite'
      ? { dialect: 'sqlite', storage: './dev.sqlite', logging: false }
      : { dialect: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', database, logging: false }
  writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({ development: env }))
  writeFileSync(
    join(dir, 'mig.tx.json'),
    JSON.stringify({ projects: [{ name: basename(dir), tool: 'sequelize', dir: '.', options: { transaction: true } }] }),
  )
  for (let i = 1; i <= n; i++)
    writeFileSync(
      join(dir, 'migrations', `${20240000000000 + i}-t${i}.js`),
      `'use strict'\nmodule.exports = {\n  async up(q) { await q.sequelize.query('CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL)'); await q.sequelize.query('CREATE INDEX t${i}_name ON t${i} (name)') },\n  async down(q) { await q.dropTable('t${i}') },\n}\n`,
    )
  const reset = () => {
    if (dialect === 'sqlite') rmSync(join(dir, 'dev.sqlite'), { force: true })
    else {
      psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      psql(`CREATE DATABASE ${database}`)
    }
  }
  const drop = () => dialect !== 'sqlite' && psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  return { dir, reset, drop }
}

/** `mig ...args` under /usr/bin/time: wall ms and mig's peak RSS in MB. */
function timed(dir, ...args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(repo, 'bin/run.js'), ...args], {
    cwd: dir,
    env: b.env,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`mig ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  const [seconds, kb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number)
  return { ms: seconds * 1000, mb: kb / 1024 }
}

const projects = new Map(sizes.map((n) => [n, project(n)]))
const modes = [
  ['no transaction (as sequelize-cli)', []],
  ['"transaction": true', ['--config', 'mig.tx.json']],
]
const results = []
for (const [mode, flags] of modes) {
  const runs = new Map(sizes.map((n) => [n, []]))
  for (let r = 0; r < rounds; r++)
    for (const n of r % 2 ? [...sizes].reverse() : sizes) {
      const p = projects.get(n)
      p.reset()
      const run = timed(p.dir, 'up', ...flags)
      // The same command with nothing left to apply: startup, listing and validation, the part that is not per migration.
      runs.get(n).push({ ...run, fixed: timed(p.dir, 'up', ...flags).ms })
    }
  for (const n of sizes) {
    const xs = runs.get(n)
    const median = (ys) => [...ys].sort((x, y) => x - y)[Math.floor(ys.length / 2)]
    const ms = median(xs.map((x) => x.ms))
    const fixed = median(xs.map((x) => x.fixed))
    results.push({
      dialect,
      'mig up': mode,
      N: n,
      'median ms': Math.round(ms),
      'ms/migration': (ms / n).toFixed(1),
      'up to date ms': Math.round(fixed),
      'ms/migration beyond that': ((ms - fixed) / n).toFixed(1),
      'peak RSS MB': Math.round(Math.max(...xs.map((x) => x.mb))),
    })
    console.error(JSON.stringify(results.at(-1)))
  }
}
console.table(results)

const largest = projects.get(Math.max(...sizes))
const n = Math.max(...sizes)
console.table([
  row(
    `status, ${n} applied`,
    'sequelize-cli db:migrate:status',
    best(() => cli(largest.dir, 'db:migrate:status')),
    best(() => b.mig(largest.dir, 'status')),
    '< 1',
  ),
])
for (const p of projects.values()) p.drop()
if (!process.env.BENCH_KEEP) b.cleanup()
