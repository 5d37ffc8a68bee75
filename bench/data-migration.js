#!/usr/bin/env node
// node bench/data-migration.js: the knex data-migration template (`mig make -t data-migration`) on
// BENCH_ROWS rows (default 200,000), batches of 1000, on SQLite and (when it answers) PostgreSQL on
// 127.0.0.1. Each batch prints its time; keyset batches (id above the last batch's highest, never
// OFFSET) should cost the same at the end of the table as at the start. Target (issue #17): flat.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { repo, workspace } from './lib.js'

const rows = Number(process.env.BENCH_ROWS ?? 200_000)
const pgServer = process.env.MIG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const psql = (url, sql) => spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' })
const dialects = ['sqlite', ...(psql(pgServer, 'SELECT 1').status === 0 ? ['postgres'] : [])]
const seedSql = `CREATE TABLE items (id integer PRIMARY KEY, n integer NOT NULL, doubled integer NULL);
INSERT INTO items (id, n) WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rows}) SELECT i, i FROM s;`

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const results = []
for (const dialect of dialects) {
  const bench = workspace(`data-migration-${dialect}`, ['knex'])
  const dir = bench.project(join(bench.work, 'app'))
  mkdirSync(join(dir, 'migrations'))
  const name = `mig_bench_data_${process.pid}`
  const pgUrl = pgServer.replace(/\/[^/]*$/, `/${name}`)
  if (dialect === 'postgres') {
    psql(pgServer, `DROP DATABASE IF EXISTS ${name}`)
    psql(pgServer, `CREATE DATABASE ${name}`)
    const seeded = psql(pgUrl, seedSql)
    if (seeded.status !== 0) throw new Error(seeded.stderr)
  } else {
    const Database = createRequire(join(repo, 'package.json'))('better-sqlite3')
    const db = new Database(join(dir, 'app.db'))
    db.exec(seedSql)
    db.close()
  }
  const connection = dialect === 'sqlite' ? { filename: './app.db' } : pgUrl
  const client = dialect === 'sqlite' ? 'better-sqlite3' : 'pg'
  writeFileSync(
    join(dir, 'knexfile.js'),
    `module.exports = ${JSON.stringify({ development: { client, connection, useNullAsDefault: true } })}\n`,
  )
  bench.mig(
    bench.work,
    'make',
    'double_n',
    '-t',
    'data-migration',
    '--table',
    'items',
    '--column',
    'doubled',
    '--set',
    'n * 2',
    '--batch',
    '1000',
  )
  const started = process.hrtime.bigint()
  const up = spawnSync(process.execPath, [join(repo, 'bin/run.js'), 'up'], { cwd: bench.work, env: bench.env, encoding: 'utf8' })
  const total = Number(process.hrtime.bigint() - started) / 1e6
  if (up.status !== 0) throw new Error(`mig up exited ${up.status}: ${up.stderr}`)
  const times = [...up.stdout.matchAll(/items\.doubled: batch \d+, .* (\d+) ms$/gm)].map((m) => Number(m[1]))
  if (times.length !== Math.ceil(rows / 1000))
    throw new Error(`expected ${Math.ceil(rows / 1000)} batches, saw ${times.length}:\n${up.stdout}`)
  const tenth = Math.max(1, Math.floor(times.length / 10))
  const first = median(times.slice(0, tenth))
  const middle = median(times.slice(Math.floor(times.length / 2) - Math.floor(tenth / 2)).slice(0, tenth))
  const last = median(times.slice(-tenth))
  results.push({
    dialect,
    rows,
    batches: times.length,
    'first tenth (median ms)': first,
    'middle tenth': middle,
    'last tenth': last,
    'last / first': (last / Math.max(first, 1)).toFixed(2),
    'slowest batch (ms)': Math.max(...times),
    'mig up (ms)': total.toFixed(0),
  })
  if (dialect === 'postgres') psql(pgServer, `DROP DATABASE IF EXISTS ${name}`)
  if (!process.env.BENCH_KEEP) bench.cleanup()
}
console.table(results)
