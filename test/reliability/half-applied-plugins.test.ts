import { spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Dialect } from '../../src/db/types.js'
import { availableDialects, createTestDatabase } from '../../src/testing/index.js'
import { bin, json, linkNodeModules, migSpawnOptions, mig, tempDir, withPlugins } from '../helpers.js'
import { writeKnexProject } from '../../plugins/knex/test/helpers.js'
import { writeSequelizeProject } from '../../plugins/sequelize/test/helpers.js'

/**
 * A plugin's migration that no transaction covers (knex `config.transaction =
 * false`, sequelize-cli's default) killed halfway leaves part of it on any
 * dialect: the adapter says so (Session.transactional), core journals it
 * `running` first, and status shows it failed, never plain pending.
 */
const cleanup: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

const dialects = (await availableDialects()).filter((d): d is Dialect => d !== 'mysql')

const slowKnex = `exports.config = { transaction: false }
exports.up = async (knex) => {
  await knex.schema.createTable('half_a', (t) => { t.increments('id') })
  await new Promise((r) => setTimeout(r, 30000))
  await knex.schema.createTable('half_b', (t) => { t.increments('id') })
}
exports.down = async (knex) => { await knex.schema.dropTableIfExists('half_b'); await knex.schema.dropTableIfExists('half_a') }
`
const slowSequelize = `'use strict'
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('half_a', { id: { type: Sequelize.INTEGER, primaryKey: true } })
    await new Promise((r) => setTimeout(r, 30000))
    await queryInterface.createTable('half_b', { id: { type: Sequelize.INTEGER, primaryKey: true } })
  },
  async down(queryInterface) { await queryInterface.dropTable('half_a') },
}
`

const tools = [
  {
    tool: 'knex',
    write: (dir: string, dialect: Dialect, url: string) => {
      writeKnexProject(dir, dialect, url)
      mkdirSync(join(dir, 'migrations'), { recursive: true })
      writeFileSync(join(dir, 'migrations', '20240101000000_half.js'), slowKnex)
    },
  },
  {
    tool: 'sequelize',
    write: (dir: string, dialect: Dialect, url: string) => {
      writeSequelizeProject(dir, dialect, url)
      linkNodeModules(dir)
      writeFileSync(join(dir, 'migrations', '20240101000000-half.js'), slowSequelize)
    },
  },
]

describe.each(tools.flatMap((t) => dialects.map((d) => [t.tool, d, t] as const)))(
  'kill -9 inside a %s migration no transaction covers, on %s',
  (_tool, dialect, t) => {
    it('leaves it failed (bit 8), never pending', async () => {
      const env = { ...(await withPlugins(t.tool)), NODE_ENV: 'development' }
      const database = await createTestDatabase(dialect)
      const root = tempDir()
      cleanup.push(
        () => database.drop(),
        () => rmSync(root, { recursive: true, force: true }),
      )
      t.write(join(root, 'app'), dialect, database.url)
      const db = await database.db()
      const child = spawn(process.execPath, [bin, 'up'], migSpawnOptions({ cwd: root, env }))
      const closed = new Promise((r) => child.on('close', r))
      const started = Date.now()
      while (!(await db.tableExists('half_a'))) {
        if (Date.now() - started > 20_000) throw new Error('the migration never started')
        await new Promise((r) => setTimeout(r, 50))
      }
      child.kill('SIGKILL')
      await closed
      const status = await mig(['status', '--json'], { cwd: root, env })
      const m = json<{ projects: { migrations: { state: string; error?: string }[] }[] }>(status).projects[0]!.migrations[0]!
      expect(m.state, status.stderr).toBe('failed')
      expect(status.code & 8).toBe(8)
      expect((await db.query<{ outcome: string }>("SELECT outcome FROM mig_journal WHERE direction = 'up'")).map((r) => r.outcome)).toEqual(
        ['running'],
      )
    })
  },
)
