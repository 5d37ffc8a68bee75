#!/usr/bin/env node
// A PostgreSQL database of BENCH_BACKUP_MB (default 1024) MB: `mig backup`
// against `pg_dump -Fc` straight to a file, and mig's peak memory (it streams).
// Takes a few minutes; not part of `npm run bench`'s quick run unless BENCH=all.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const work = join(here, '.work', 'backup')
const mb = Number(process.env.BENCH_BACKUP_MB ?? 1024)
const server = process.env.MIG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const name = `mig_bench_backup`
const url = new URL(server)
url.pathname = `/${name}`
const psql = (db, sql) =>
  execFileSync(
    'psql',
    [
      '-X',
      '-q',
      '-t',
      '-A',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      url.username || 'postgres',
      '-d',
      db,
      '-c',
      sql,
    ],
    { encoding: 'utf8' },
  )

rmSync(work, { recursive: true, force: true })
mkdirSync(join(work, 'app', 'migrations'), { recursive: true })
writeFileSync(join(work, 'app', '.env'), `DATABASE_URL=${url}\n`)
writeFileSync(join(work, 'app', 'migrations', '001_a.up.sql'), 'SELECT 1;\n')

psql('postgres', `DROP DATABASE IF EXISTS ${name}`)
psql('postgres', `CREATE DATABASE ${name}`)
// ~1 KB a row: 30 md5s per row, each of the row's own random value, so the
// dump (gzip inside -Fc) stays large, as real data does.
const rows = mb * 1024
psql(
  name,
  `CREATE TABLE bulk AS SELECT g AS id, (SELECT string_agg(md5(random()::text || g || s), '') FROM generate_series(1, 30) s) AS payload FROM generate_series(1, ${rows}) g`,
)
const size = psql(name, `SELECT pg_size_pretty(pg_database_size('${name}'))`).trim()

const timed = (cmd, args, env = {}) => {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    cwd: join(work, 'app'),
    encoding: 'utf8',
    env: { ...process.env, ...env },
  })
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`)
  const [seconds, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return { seconds, mb: kb / 1024 }
}
// Alternate the two so a slow spell of the machine hits both; best of BENCH_RUNS.
const runs = Number(process.env.BENCH_RUNS ?? 3)
const direct = []
const ours = []
for (let i = 0; i < runs; i++) {
  direct.push(
    timed('sh', ['-c', `pg_dump -Fc -h ${url.hostname} -U ${url.username || 'postgres'} -d ${name} > ${join(work, 'direct.dump')}`]),
  )
  rmSync(join(work, 'app', '.mig'), { recursive: true, force: true })
  ours.push(timed(process.execPath, [join(repo, 'bin/run.js'), 'backup']))
}
const best = (xs) => Math.min(...xs.map((x) => x.seconds))
const dumpSize = (statSync(join(work, 'direct.dump')).size / 1024 / 1024).toFixed(0)
console.table([
  { what: `pg_dump -Fc > file (database ${size}, dump ${dumpSize} MB)`, seconds: best(direct), 'peak RSS (MB)': '-' },
  { what: 'mig backup', seconds: best(ours), 'peak RSS (MB)': Math.max(...ours.map((x) => x.mb)).toFixed(0) },
])
console.log(
  `ratio ${(best(ours) / best(direct)).toFixed(3)} (best of ${runs}); all runs: pg_dump ${direct.map((x) => x.seconds).join(' ')}, mig ${ours.map((x) => x.seconds).join(' ')}`,
)
psql('postgres', `DROP DATABASE ${name}`)
rmSync(work, { recursive: true, force: true })
