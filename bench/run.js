#!/usr/bin/env node
// npm run bench: times `mig status` and `mig up` on generated plain-SQL projects
// (SQLite) of 10, 200 and 1000 migrations, against the sqlite3 CLI running the
// same SQL. Prints ms per migration. Not a test: numbers, not assertions.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const bin = join(here, '..', 'bin', 'run.js')
const work = join(here, '.work')
const sizes = (process.env.BENCH_SIZES ?? '10,200,1000').split(',').map(Number)
const runs = Number(process.env.BENCH_RUNS ?? 3)

const time = (fn) => {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}
const best = (fn, setup = () => {}) => Math.min(...Array.from({ length: runs }, () => (setup(), time(fn))))
const mig = (cwd, ...args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } })
  if (r.status !== 0 && !(args[0] === 'status' && r.status === 2)) throw new Error(`mig ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
}

function project(n) {
  const root = join(work, `sql-${n}`)
  rmSync(root, { recursive: true, force: true })
  const dir = join(root, 'app', 'migrations')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(root, 'app', '.env'), 'DATABASE_URL=sqlite:./app.db\n')
  let all = ''
  for (let i = 1; i <= n; i++) {
    const id = `${String(i).padStart(4, '0')}_t${i}`
    const up = `CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\nCREATE INDEX t${i}_name ON t${i} (name);\n`
    writeFileSync(join(dir, `${id}.up.sql`), up)
    writeFileSync(join(dir, `${id}.down.sql`), `DROP TABLE t${i};\n`)
    all += up
  }
  writeFileSync(join(root, 'all.sql'), all)
  return root
}

const rows = []
for (const n of sizes) {
  const root = project(n)
  const db = join(root, 'app', 'app.db')
  const reset = () => rmSync(db, { force: true })
  const native = best(() => execFileSync('sqlite3', [db], { input: readFileSync(join(root, 'all.sql')) }), reset)
  const up = best(() => mig(root, 'up'), reset)
  const status = best(() => mig(root, 'status'))
  const startup = best(() => mig(root, '--version'))
  rows.push({
    migrations: n,
    'sqlite3 (ms)': native.toFixed(0),
    'mig up (ms)': up.toFixed(0),
    'mig up overhead per migration (ms)': ((up - startup - native) / n).toFixed(2),
    'mig status (ms)': status.toFixed(0),
    'mig --version (ms)': startup.toFixed(0),
  })
}
console.table(rows)
if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true })
