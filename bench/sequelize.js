#!/usr/bin/env node
// Sequelize (SQLite): `mig status` against `sequelize-cli db:migrate:status`
// and `mig up` against `sequelize-cli db:migrate`, 200 migrations each.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { best, row, workspace } from './lib.js'

const b = workspace('sequelize', ['sequelize'])
const cli = (cwd, ...args) => b.node(cwd, 'node_modules/sequelize-cli/lib/sequelize', ...args)

const dir = b.project(join(b.work, 'p'))
mkdirSync(join(dir, 'config'))
mkdirSync(join(dir, 'migrations'))
writeFileSync(
  join(dir, 'config', 'config.json'),
  JSON.stringify({ development: { dialect: 'sqlite', storage: './dev.sqlite', logging: false } }),
)
for (let i = 1; i <= 200; i++) {
  writeFileSync(
    join(dir, 'migrations', `${20240000000000 + i}-t${i}.js`),
    `module.exports = {\n  async up(q, S) { await q.createTable('t${i}', { id: { type: S.INTEGER, primaryKey: true, autoIncrement: true }, name: S.STRING }) },\n  async down(q) { await q.dropTable('t${i}') },\n}\n`,
  )
}
const reset = () => rmSync(join(dir, 'dev.sqlite'), { force: true })
const rows = [
  row(
    'up, 200 pending',
    'sequelize-cli db:migrate',
    best(() => cli(dir, 'db:migrate'), reset),
    best(() => b.mig(dir, 'up'), reset),
    '1.2',
  ),
]
rows.unshift(
  row(
    'status, 200 applied',
    'sequelize-cli db:migrate:status',
    best(() => cli(dir, 'db:migrate:status')),
    best(() => b.mig(dir, 'status')),
    '1.2',
  ),
)
console.table(rows)
if (!process.env.BENCH_KEEP) b.cleanup()
