#!/usr/bin/env node
// Knex (SQLite): `mig status` against `knex migrate:list` on 1000 applied
// migrations, and `mig up` against `knex migrate:latest` on 200 pending ones.
import { rmSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { best, row, workspace } from './lib.js'

const b = workspace('knex', ['knex'])
const knex = (cwd, ...args) => b.node(cwd, 'node_modules/knex/bin/cli.js', ...args)

function project(n) {
  const dir = b.project(join(b.work, `p${n}`))
  mkdirSync(join(dir, 'migrations'))
  writeFileSync(
    join(dir, 'knexfile.js'),
    "module.exports = { client: 'better-sqlite3', connection: { filename: './dev.db' }, useNullAsDefault: true }\n",
  )
  for (let i = 1; i <= n; i++) {
    writeFileSync(
      join(dir, 'migrations', `${20240000000000 + i}_t${i}.js`),
      `exports.up = (knex) => knex.schema.createTable('t${i}', (t) => { t.increments(); t.string('name').index() })\nexports.down = (knex) => knex.schema.dropTable('t${i}')\n`,
    )
  }
  return dir
}

const rows = []
{
  const dir = project(1000)
  knex(dir, 'migrate:latest')
  rows.push(
    row(
      'status, 1000 applied',
      'knex migrate:list',
      best(() => knex(dir, 'migrate:list')),
      best(() => b.mig(dir, 'status')),
      '1.2',
    ),
  )
}
{
  const dir = project(200)
  const reset = () => rmSync(join(dir, 'dev.db'), { force: true })
  rows.push(
    row(
      'up, 200 pending',
      'knex migrate:latest',
      best(() => knex(dir, 'migrate:latest'), reset),
      best(() => b.mig(dir, 'up'), reset),
      '1.1',
    ),
  )
}
console.table(rows)
if (!process.env.BENCH_KEEP) b.cleanup()
