#!/usr/bin/env node
// npm run bench:native: mig against each tool's own CLI applying the same
// generated history of N migrations (BENCH_N, default 1000) on fresh
// databases, interleaved A B A B (BENCH_ROUNDS rounds, default 3), on
// PostgreSQL and SQLite (BENCH_DIALECTS), each run after `sync` and (on
// PostgreSQL) a CHECKPOINT. Prints medians, mig/native ratios and the median
// of each round's own ratio (issue #18). Numbers, not assertions; the
// machine's load counts.
// Each tool is a module in bench/native/ (knex.js, sql.js, …).
import { spawnSync } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { workspace } from './lib.js'

const N = Number(process.env.BENCH_N ?? 1000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const dialects = (process.env.BENCH_DIALECTS ?? 'postgres,sqlite').split(',')
const only = process.env.BENCH_TOOLS?.split(',')
const pgServer = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432'

const plugins = ['knex', 'typeorm', 'sequelize', 'prisma'].filter((t) => !only || only.includes(t))
const b = workspace('vs-native', plugins)
const sh = (cmd, args, options = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: b.env, ...options })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
}
const psql = (sql, db = 'postgres') => sh('psql', [`${pgServer}/${db}`, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql])
const time = (fn) => {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]

/** A fresh database for one timed run: its URL (SQLite: a file in `dir`), with the knex form beside it. */
let serial = 0
function freshDatabase(dialect, dir) {
  if (dialect === 'sqlite') {
    const file = join(dir, 'bench.db')
    rmSync(file, { force: true })
    return {
      url: `sqlite:${file}`,
      knex: { client: 'better-sqlite3', connection: { filename: file } },
      file,
      drop: () => rmSync(file, { force: true }),
    }
  }
  const name = `mig_bench_${process.pid}_${serial++}`
  psql(`CREATE DATABASE ${name}`)
  return {
    url: `${pgServer}/${name}`,
    knex: { client: 'pg', connection: `${pgServer}/${name}` },
    name,
    drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}

/**
 * Before each timed run: the files just written reach the disk (`sync`), and
 * PostgreSQL writes out what the last run and the last DROP DATABASE left
 * (CHECKPOINT), so neither side pays for the other's writes.
 */
function quiesce(db) {
  sh('sync', [])
  if (!db.name) return
  try {
    psql('CHECKPOINT')
  } catch {
    if (!quiesce.warned) console.error('CHECKPOINT refused (the role is not a superuser nor pg_checkpoint): timing without it')
    quiesce.warned = true
  }
}

const ddl = (i) => [`CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL)`, `CREATE INDEX t${i}_name ON t${i} (name)`]
const id = (i) => `${20240000000000 + i}_t${i}`

/**
 * Each tool is a module in bench/native/: its default export takes the context
 * below and returns { write(dir, db), pairs(dir, db, dialect) } — write its
 * project of N migrations in `dir` for `db`, and the pairs to time
 * ([what, mig command, native command, optional untimed prepare run first on
 * each fresh database]). A module may export `dialects` to
 * limit where it runs.
 */
const ctx = { N, b, sh, psql, ddl, id, pgServer }
const tools = {}
for (const file of readdirSync(join(import.meta.dirname, 'native')).sort()) {
  if (!file.endsWith('.js') || file === 'context.js') continue
  const mod = await import(join(import.meta.dirname, 'native', file))
  tools[file.slice(0, -3)] = { ...mod.default(ctx), dialects: mod.dialects }
}

const results = []
for (const dialect of dialects) {
  for (const [tool, spec] of Object.entries(tools)) {
    if (only && !only.includes(tool)) continue
    if (spec.dialects && !spec.dialects.includes(dialect)) continue
    const dir = b.project(join(b.work, `${tool}-${dialect}`))
    let db = freshDatabase(dialect, dir)
    spec.write(dir, db)
    for (const [i, [what]] of spec.pairs(dir, db, dialect).entries()) {
      const times = { mig: [], native: [] }
      for (let r = 0; r < rounds; r++) {
        for (const side of r % 2 ? ['native', 'mig'] : ['mig', 'native']) {
          db.drop()
          db = freshDatabase(dialect, dir)
          spec.write(dir, db)
          const [, mig, native, prepare] = spec.pairs(dir, db, dialect)[i]
          prepare?.()
          quiesce(db)
          times[side].push(time(side === 'mig' ? mig : native))
        }
      }
      const m = median(times.mig)
      const n = median(times.native)
      results.push({
        dialect,
        tool,
        what,
        N,
        'mig ms': Math.round(m),
        'native ms': Math.round(n),
        ratio: (m / n).toFixed(2),
        // Each round's two runs side by side: steadier than the ratio of medians when the disk's speed drifts.
        'paired ratio': median(times.mig.map((t, r) => t / times.native[r])).toFixed(2),
        'ms/migration over native': ((m - n) / N).toFixed(2),
      })
      console.error(JSON.stringify(results.at(-1)))
    }
    db.drop()
  }
}
console.table(results)
if (!process.env.BENCH_KEEP) b.cleanup()
