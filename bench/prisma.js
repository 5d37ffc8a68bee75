#!/usr/bin/env node
// Prisma (SQLite, Prisma 7 config): `mig status` against `prisma migrate
// status` on 200 applied migrations. The Prisma CLI runs through the engine
// shim in ../shared/tools (the only way it runs on these machines).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { best, repo, row, workspace } from './lib.js'

const shim = process.env.MIG_PRISMA_SHIM ?? resolve(repo, '..', 'shared', 'tools', 'prisma-engine-shim', 'schema-engine-shim.mjs')
const b = workspace('prisma', ['prisma'])
const dir = b.project(join(b.work, 'p'))
Object.assign(b.env, {
  PRISMA_SCHEMA_ENGINE_BINARY: shim,
  PRISMA_SHIM_RESOLVE_FROM: repo,
  DATABASE_URL: 'file:./dev.db',
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
})
mkdirSync(join(dir, 'prisma', 'migrations'), { recursive: true })
writeFileSync(join(dir, '.env'), 'DATABASE_URL=file:./dev.db\n')
writeFileSync(join(dir, 'prisma', 'schema.prisma'), 'datasource db {\n  provider = "sqlite"\n}\n')
writeFileSync(
  join(dir, 'prisma.config.ts'),
  "import { defineConfig, env } from 'prisma/config'\nexport default defineConfig({ schema: 'prisma/schema.prisma', migrations: { path: 'prisma/migrations' }, datasource: { url: env('DATABASE_URL') } })\n",
)
writeFileSync(join(dir, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "sqlite"\n')
for (let i = 1; i <= 200; i++) {
  const folder = join(dir, 'prisma', 'migrations', `${20240000000000 + i}_t${i}`)
  mkdirSync(folder)
  writeFileSync(join(folder, 'migration.sql'), `CREATE TABLE "t${i}" ("id" INTEGER NOT NULL PRIMARY KEY, "name" TEXT);\n`)
}
const prisma = (...args) => b.node(dir, 'node_modules/prisma/build/index.js', ...args)
b.mig(dir, 'up')
const native = best(() => prisma('migrate', 'status'))
const rows = [
  row(
    'status, 200 applied (projects detected)',
    'prisma migrate status',
    native,
    best(() => b.mig(dir, 'status')),
    '≤ 0.2 (5x faster)',
  ),
]
writeFileSync(join(dir, 'mig.config.json'), JSON.stringify({ projects: [{ name: 'p', tool: 'prisma', dir: '.' }] }))
rows.push(
  row(
    'status, 200 applied (mig.config.json, as `mig init` writes)',
    'prisma migrate status',
    native,
    best(() => b.mig(dir, 'status')),
    '≤ 0.2 (5x faster)',
  ),
)
console.table(rows)
if (!process.env.BENCH_KEEP) b.cleanup()
