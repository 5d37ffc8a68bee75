#!/usr/bin/env node
// node bench/status-repo.js: `mig status` at the root of a repository of five
// projects, one per tool (knex, typeorm, sequelize, prisma, plain SQL), each
// with BENCH_N (default 1000) migrations, all applied, each on its own
// database; on PostgreSQL and SQLite (BENCH_DIALECTS). The issue #18 target:
// under 0.8 s. Prints the median of BENCH_RUNS (default 5) runs and, beside
// it, `mig status` in one project and `node -e 0`, for scale.
// The histories are bench/native's (bench/native/<tool>.js write them).
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { repo, time, workspace } from './lib.js'

const N = Number(process.env.BENCH_N ?? 1000)
const runs = Number(process.env.BENCH_RUNS ?? 5)
const dialects = (process.env.BENCH_DIALECTS ?? 'postgres,sqlite').split(',')
const pgServer = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432'
const tools = ['knex', 'typeorm', 'sequelize', 'prisma', 'sql']

const b = workspace(
  'status-repo',
  tools.filter((t) => t !== 'sql'),
)
const sh = (cmd, args, options = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: b.env, ...options })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
}
const psql = (sql) => sh('psql', [`${pgServer}/postgres`, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql])
const ddl = (i) => [`CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL)`, `CREATE INDEX t${i}_name ON t${i} (name)`]
const id = (i) => `${20240000000000 + i}_t${i}`
const ctx = { N, b, sh, psql, ddl, id, pgServer }
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]

const results = []
for (const dialect of dialects) {
  const root = join(b.work, dialect)
  mkdirSync(root, { recursive: true })
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'))
  writeFileSync(join(root, 'package.json'), '{"name":"bench-repo","private":true}')
  const drops = []
  for (const tool of tools) {
    const dir = join(root, tool)
    mkdirSync(dir, { recursive: true })
    let db
    if (dialect === 'sqlite') {
      const file = join(dir, 'bench.db')
      db = { url: `sqlite:${file}`, knex: { client: 'better-sqlite3', connection: { filename: file } }, file }
    } else {
      const name = `mig_bench_repo_${tool}`
      psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      psql(`CREATE DATABASE ${name}`)
      drops.push(name)
      db = { url: `${pgServer}/${name}`, knex: { client: 'pg', connection: `${pgServer}/${name}` } }
    }
    const mod = await import(join(import.meta.dirname, 'native', `${tool}.js`))
    mod.default(ctx).write(dir, db)
    // Everything applied, the quickest way mig allows for the tool and dialect.
    const atomic = !(tool === 'prisma' && dialect === 'sqlite')
    b.mig(dir, 'up', ...(atomic ? ['--atomic'] : []), ...(tool === 'sequelize' ? ['--config', 'mig.tx.json'] : []))
  }
  const measure = (what, fn) => {
    fn() // warm the page cache
    const times = Array.from({ length: runs }, () => time(fn))
    results.push({ dialect, what, 'median ms': Math.round(median(times)), 'best ms': Math.round(Math.min(...times)) })
    console.error(JSON.stringify(results.at(-1)))
  }
  measure('node -e 0', () => sh(process.execPath, ['-e', '0']))
  measure(`mig status, 5 projects × ${N} applied`, () => b.mig(root, 'status'))
  measure(`mig status --json, 5 projects × ${N} applied`, () => b.mig(root, 'status', '--json'))
  for (const tool of tools) measure(`mig status, ${tool} alone`, () => b.mig(join(root, tool), 'status'))
  // BENCH_KEEP=1 keeps the databases too, for profiling `mig status` in bench/.work/status-repo/<dialect>.
  if (!process.env.BENCH_KEEP) for (const name of drops) psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
}
console.table(results)
if (!process.env.BENCH_KEEP) rmSync(b.work, { recursive: true, force: true })
