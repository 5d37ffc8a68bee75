#!/usr/bin/env node
// node bench/verify.js: `mig verify` on N plain-SQL migrations (each a CREATE TABLE
// and a CREATE INDEX, with its down) against `mig up` + `mig down --all` of the same
// migrations, on SQLite and (when it answers) PostgreSQL on 127.0.0.1. Best of
// BENCH_RUNS runs of each, taken in turn; BENCH_SIZES (default 200). Target (issue #15): verify < 3x.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runs, time, workspace } from './lib.js'

const sizes = (process.env.BENCH_SIZES ?? '200').split(',').map(Number)
const pgServer = process.env.MIG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const psql = (sql) => spawnSync('psql', ['-X', '-q', '-d', pgServer, '-c', sql], { encoding: 'utf8' })
const dialects = ['sqlite', ...(psql('SELECT 1').status === 0 ? ['postgres'] : [])]

const rows = []
for (const dialect of dialects) {
  for (const n of sizes) {
    const bench = workspace(`verify-${dialect}-${n}`)
    const dir = join(bench.work, 'app', 'migrations')
    mkdirSync(dir, { recursive: true })
    const name = `mig_bench_verify_${process.pid}`
    const url = dialect === 'sqlite' ? 'sqlite:./app.db' : pgServer.replace(/\/[^/]*$/, `/${name}`)
    if (dialect === 'postgres') {
      psql(`DROP DATABASE IF EXISTS ${name}`)
      psql(`CREATE DATABASE ${name}`)
    }
    writeFileSync(join(bench.work, 'app', '.env'), `DATABASE_URL=${url}\n`)
    for (let i = 1; i <= n; i++) {
      const id = `${String(i).padStart(4, '0')}_t${i}`
      writeFileSync(
        join(dir, `${id}.up.sql`),
        `CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nCREATE INDEX t${i}_name ON t${i} (name);\n`,
      )
      writeFileSync(join(dir, `${id}.down.sql`), `DROP TABLE t${i};\n`)
    }
    // In turn, run by run, so both see the same drift in the machine's load; the best of each.
    let roundTrip = Infinity
    let verify = Infinity
    for (let run = 0; run < runs; run++) {
      roundTrip = Math.min(
        roundTrip,
        time(() => {
          bench.mig(bench.work, 'up')
          bench.mig(bench.work, 'down', '--all', '--yes')
        }),
      )
      verify = Math.min(
        verify,
        time(() => bench.mig(bench.work, 'verify')),
      )
    }
    rows.push({
      dialect,
      migrations: n,
      'up + down --all (ms)': roundTrip.toFixed(0),
      'verify (ms)': verify.toFixed(0),
      ratio: (verify / roundTrip).toFixed(2),
      target: '< 3',
    })
    if (dialect === 'postgres') psql(`DROP DATABASE IF EXISTS ${name}`)
    if (!process.env.BENCH_KEEP) bench.cleanup()
  }
}
console.table(rows)
