import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dialect } from 'mig'
import { linkNodeModules, nodeCli, repoRoot } from '../../../test/helpers.js'

export interface SequelizeMigration {
  name: string
  up: string
  down: string
}

export const createTable = (name: string, table: string): SequelizeMigration => ({
  name,
  up: `await queryInterface.createTable('${table}', { id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true }, title: Sequelize.STRING })`,
  down: `await queryInterface.dropTable('${table}')`,
})

export function writeMigration(dir: string, m: SequelizeMigration): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, m.name),
    `'use strict'\nmodule.exports = {\n  async up(queryInterface, Sequelize) { ${m.up} },\n  async down(queryInterface, Sequelize) { ${m.down} },\n}\n`,
  )
}

/** A sequelize-cli project: package.json, the user's node_modules, config/config.json (development and test alike), migrations/. */
export function writeSequelizeProject(
  dir: string,
  dialect: Dialect,
  url: string,
  options: { migrations?: SequelizeMigration[]; env?: Record<string, unknown>; rc?: boolean } = {},
): string {
  linkNodeModules(dir)
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sequelize-project', private: true }))
  const connection =
    dialect === 'sqlite'
      ? { dialect: 'sqlite', storage: url ? url.slice('sqlite:'.length) : './dev.sqlite' }
      : (() => {
          const u = new URL(url)
          return {
            dialect: dialect === 'mysql' ? 'mysql' : 'postgres',
            username: decodeURIComponent(u.username),
            password: u.password ? decodeURIComponent(u.password) : null,
            host: u.hostname,
            port: Number(u.port),
            database: u.pathname.slice(1),
          }
        })()
  const env = { ...connection, logging: false, ...options.env }
  const configDir = options.rc ? join(dir, 'db', 'config') : join(dir, 'config')
  const migrationsDir = options.rc ? join(dir, 'db', 'migrate') : join(dir, 'migrations')
  mkdirSync(configDir, { recursive: true })
  mkdirSync(migrationsDir, { recursive: true })
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ development: env, test: env }, null, 2))
  if (options.rc) {
    writeFileSync(
      join(dir, '.sequelizerc'),
      "const path = require('path')\nmodule.exports = {\n  config: path.resolve('db', 'config', 'config.json'),\n  'migrations-path': path.resolve('db', 'migrate'),\n}\n",
    )
  }
  for (const m of options.migrations ?? []) writeMigration(migrationsDir, m)
  return dir
}

export interface SequelizeStatus {
  up: string[]
  down: string[]
}

/** The real sequelize-cli, `db:migrate:status`, parsed: the oracle. `env` is exported to it (sequelize-cli reads no `.env`). */
export async function migrateStatus(dir: string, env?: NodeJS.ProcessEnv): Promise<SequelizeStatus> {
  const out = await sequelizeCli(dir, ['db:migrate:status'], env)
  const pick = (state: string) =>
    out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith(`${state} `))
      .map((l) => l.slice(state.length).trim())
  return { up: pick('up'), down: pick('down') }
}

export const sequelizeCli = (dir: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> =>
  nodeCli(join(repoRoot, 'node_modules/sequelize-cli/lib/sequelize'), args, { cwd: dir, ...(env ? { env } : {}) })
