#!/usr/bin/env node
// node bench/fleet.js: a fleet of BENCH_TENANTS (100) PostgreSQL databases × BENCH_MIGRATIONS (20)
// plain-SQL migrations; wall time of `mig up` at --concurrency 1 and 8 (and 4, the default), the
// speed-up, and mig's peak RSS (/usr/bin/time %M). Between runs every tenant's public schema is
// dropped and made again (cheaper than DROP DATABASE, which checkpoints). Not a test: numbers.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'run.js')
const server = process.env.MIG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const tenants = Number(process.env.BENCH_TENANTS ?? 100)
const migrations = Number(process.env.BENCH_MIGRATIONS ?? 20)
const levels = (process.env.BENCH_CONCURRENCY ?? '1,4,8').split(',').map(Number)
const runs = Number(process.env.BENCH_RUNS ?? 1)
const tag = `mig_bench_${randomBytes(3).toString('hex')}`
const names = Array.from({ length: tenants }, (_, i) => `${tag}_${String(i).padStart(3, '0')}`)
const urlOf = (db) => Object.assign(new URL(server), { pathname: `/${db}` }).toString()

async function each(items, n, fn) {
  let next = 0
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++])
    }),
  )
}

async function onDb(db, sql) {
  const client = new pg.Client({ connectionString: urlOf(db) })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const root = join(here, '.work', 'fleet')
rmSync(root, { recursive: true, force: true })
mkdirSync(join(root, 'app', 'migrations'), { recursive: true })
for (let i = 1; i <= migrations; i++) {
  const id = `${String(i).padStart(3, '0')}_t${i}`
  writeFileSync(
    join(root, 'app', 'migrations', `${id}.up.sql`),
    `CREATE TABLE t${i} (id SERIAL PRIMARY KEY, name TEXT NOT NULL, created_at TIMESTAMPTZ DEFAULT now());\nCREATE INDEX t${i}_name ON t${i} (name);\nINSERT INTO t${i} (name) SELECT 'row ' || g FROM generate_series(1, 100) g;\n`,
  )
  writeFileSync(join(root, 'app', 'migrations', `${id}.down.sql`), `DROP TABLE t${i};\n`)
}
writeFileSync(
  join(root, 'mig.config.json'),
  JSON.stringify({
    projects: [{ name: 'tenants', tool: 'sql', dir: 'app', targets: names.map((db, i) => ({ name: `t-${i}`, url: urlOf(db) })) }],
  }),
)

const admin = new pg.Client({ connectionString: server })
await admin.connect()
const created = []
try {
  for (const db of names) {
    await admin.query(`CREATE DATABASE ${db}`)
    created.push(db)
  }
  const rows = []
  const wall = {}
  for (const concurrency of levels) {
    const times = []
    let rss = 0
    for (let r = 0; r < runs; r++) {
      await each(names, 8, (db) => onDb(db, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public'))
      const start = process.hrtime.bigint()
      const out = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'up', '--concurrency', String(concurrency)], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
      })
      times.push(Number(process.hrtime.bigint() - start) / 1e6)
      if (out.status !== 0) throw new Error(`mig up --concurrency ${concurrency} exited ${out.status}: ${out.stderr}`)
      if (!/: 100 applied\.|applied\.$/m.test(out.stdout)) throw new Error(`unexpected output: ${out.stdout.slice(-300)}`)
      rss = Math.max(rss, Number(out.stderr.trim().split('\n').at(-1)) / 1024)
    }
    wall[concurrency] = Math.min(...times)
    rows.push({ concurrency, 'wall (s)': (wall[concurrency] / 1000).toFixed(1), 'peak RSS (MB)': rss.toFixed(0) })
  }
  for (const row of rows) row['speed-up vs 1'] = wall[1] ? (wall[1] / wall[row.concurrency]).toFixed(2) : '-'
  console.log(`${tenants} PostgreSQL tenants × ${migrations} migrations; ${cpus().length} CPU cores; best of ${runs}`)
  console.table(rows)
} finally {
  await admin.end()
  // Side by side: PostgreSQL checkpoints on each DROP DATABASE, and parallel drops share them.
  await each(created, 20, (db) => onDb(server.replace(/.*\//, ''), `DROP DATABASE IF EXISTS ${db}`).catch(() => {}))
  rmSync(root, { recursive: true, force: true })
}
