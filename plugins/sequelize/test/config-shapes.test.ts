import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Dialect } from 'mig'
import { availableDialects, createTestDatabase } from 'mig/testing'
import { hasStack, json, linkNodeModules, mig, tempDir, withPlugins } from '../../../test/helpers.js'
import { createTable, migrateStatus, sequelizeCli, writeMigration } from './helpers.js'

/** A test database as a sequelize config names it. */
interface Connection {
  dialect: Dialect
  url: string
  /** Server dialects: the parts of `url`. */
  options: Record<string, unknown>
}

interface Written {
  /** The project's `.env`: what mig reads by core's rule, and what is exported to sequelize-cli, which reads no `.env`. */
  dotenv: Record<string, string>
  migrationsDir: string
  /** SQLite: the file sequelize-cli opens, run in the project folder. */
  sqliteFile: string
}

/** One of the config shapes sequelize-cli accepts, written into a project folder. */
interface Shape {
  name: string
  write(dir: string, c: Connection): Written
}

const json2 = (value: unknown) => JSON.stringify(value, null, 2)
const both = (options: unknown) => ({ development: options, test: options })
const write = (file: string, text: string) => {
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, text)
}
const urlFile = (c: Connection) => c.url.slice('sqlite:'.length)

const shapes: Shape[] = [
  {
    // The URL's parts win over the environment's own keys, as lodash.merge does in sequelize-cli.
    name: 'url with options (config.json)',
    write(dir, c) {
      write(
        join(dir, 'config/config.json'),
        json2(
          both({
            url: c.url,
            dialect: c.dialect === 'sqlite' ? 'sqlite' : 'mysql',
            host: 'overridden.invalid',
            database: 'overridden',
            storage: 'overridden.sqlite',
            logging: false,
          }),
        ),
      )
      return { dotenv: {}, migrationsDir: join(dir, 'migrations'), sqliteFile: urlFile(c) }
    },
  },
  {
    name: 'use_env_variable (config.json, the URL in .env)',
    write(dir, c) {
      write(join(dir, 'config/config.json'), json2(both({ use_env_variable: 'LEGACY_DATABASE_URL' })))
      return { dotenv: { LEGACY_DATABASE_URL: c.url }, migrationsDir: join(dir, 'migrations'), sqliteFile: urlFile(c) }
    },
  },
  {
    // config.js wins over config.json, as in sequelize-cli; the decoy would open another database.
    name: 'plain options (config.js reading .env, relative storage)',
    write(dir, c) {
      write(join(dir, 'config/config.json'), json2(both({ dialect: 'sqlite', storage: 'decoy.sqlite' })))
      write(
        join(dir, 'config/config.js'),
        'const e = process.env\nconst options = { dialect: e.DB_DIALECT, storage: e.DB_STORAGE, host: e.DB_HOST, port: e.DB_PORT && Number(e.DB_PORT), username: e.DB_USER, password: e.DB_PASSWORD || null, database: e.DB_NAME, logging: false }\nmodule.exports = { development: options, test: options }\n',
      )
      const o = c.options
      const dotenv: Record<string, string> =
        c.dialect === 'sqlite'
          ? { DB_DIALECT: 'sqlite', DB_STORAGE: 'data/app.sqlite' }
          : {
              DB_DIALECT: String(o.dialect),
              DB_HOST: String(o.host),
              DB_PORT: String(o.port),
              DB_USER: String(o.username),
              DB_PASSWORD: String(o.password ?? ''),
              DB_NAME: String(o.database),
            }
      return { dotenv, migrationsDir: join(dir, 'migrations'), sqliteFile: join(dir, 'data/app.sqlite') }
    },
  },
  {
    name: '.sequelizerc config and migrations-path (a config.js function with a callback)',
    write(dir, c) {
      write(join(dir, '.sequelizerc'), "module.exports = { config: 'db/config.js', 'migrations-path': 'db/migrate' }\n")
      const options =
        c.dialect === 'sqlite' ? { dialect: 'sqlite', storage: 'db/app.sqlite', logging: false } : { ...c.options, logging: false }
      write(join(dir, 'db/config.js'), `module.exports = (done) => setImmediate(() => done(null, ${JSON.stringify(both(options))}))\n`)
      return { dotenv: {}, migrationsDir: join(dir, 'db/migrate'), sqliteFile: join(dir, 'db/app.sqlite') }
    },
  },
  {
    name: '.sequelizerc url (no config file, the URL in .env)',
    write(dir, c) {
      write(join(dir, '.sequelizerc'), "module.exports = { url: process.env.APP_DATABASE_URL, 'migrations-path': 'db/migrate' }\n")
      return { dotenv: { APP_DATABASE_URL: c.url }, migrationsDir: join(dir, 'db/migrate'), sqliteFile: urlFile(c) }
    },
  },
]

const names = ['20240101000000-a.js', '20240102000000-b.js', '20240103000000-c.js']
// PostgreSQL here trusts local connections, so a password can ride along and be checked for leaks.
const password = `pw-${randomBytes(6).toString('hex')}`
const cases = (await availableDialects()).flatMap((dialect) =>
  shapes.map((shape) => [`${shape.name} on ${dialect}`, dialect, shape] as const),
)

describe('sequelize config shapes: mig builds its connection as sequelize-cli does', () => {
  it.concurrent.each(cases)('%s', { timeout: 60_000 }, async (_name, dialect, shape) => {
    const env = await withPlugins('sequelize')
    const database = await createTestDatabase(dialect, dialect === 'postgres' ? { password } : {})
    const root = tempDir()
    try {
      const dir = join(root, 'app')
      linkNodeModules(dir)
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }))
      const u = new URL(database.url)
      const connection: Connection = {
        dialect,
        url: database.url,
        options: {
          dialect,
          host: u.hostname,
          port: Number(u.port),
          username: decodeURIComponent(u.username),
          password: u.password ? decodeURIComponent(u.password) : null,
          database: u.pathname.slice(1),
        },
      }
      const { dotenv, migrationsDir, sqliteFile } = shape.write(dir, connection)
      writeFileSync(
        join(dir, '.env'),
        Object.entries(dotenv)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      )
      names.forEach((n, i) => writeMigration(migrationsDir, createTable(n, `shape_${i}`)))

      const run = async (code: number, ...args: string[]) => {
        const r = await mig(args, { cwd: root, env })
        expect(r.code, r.stderr).toBe(code)
        expect(r.stdout + r.stderr).not.toContain(password)
        return r
      }
      const agree = async (applied: number) => {
        expect(await migrateStatus(dir, dotenv)).toEqual({ up: names.slice(0, applied), down: names.slice(applied) })
        const status = json<{ projects: { database: { url: string }; migrations: { id: string; state: string }[] }[] }>(
          await run(applied === names.length ? 0 : 2, 'status', '--json'),
        )
        const project = status.projects[0]!
        expect(project.migrations.map((m) => [m.id, m.state])).toEqual(names.map((n, i) => [n, i < applied ? 'applied' : 'pending']))
        // The file sequelize-cli uses, shown relative to the project when it is inside it.
        if (dialect === 'sqlite') expect(resolve(dir, project.database.url.slice('sqlite:'.length))).toBe(sqliteFile)
      }

      await run(0, 'up')
      await agree(names.length)
      if (dialect === 'sqlite') expect(existsSync(sqliteFile)).toBe(true)
      await run(0, 'down')
      await agree(names.length - 1)
    } finally {
      await database.drop()
      rmSync(root, { recursive: true, force: true })
    }
  })
})

describe('sequelize config shapes mig refuses, as sequelize-cli does', () => {
  it.each([
    [
      'use_env_variable naming an unset variable',
      { use_env_variable: 'MIG_SHAPES_UNSET_URL' },
      /use_env_variable names MIG_SHAPES_UNSET_URL, which is not set/,
    ],
    [
      'a URL without a database path',
      { url: `postgres://app:${password}@127.0.0.1:5432` },
      /the database URL in "url" of environment "test" could not be parsed/,
    ],
    ['a relative sqlite: URL, which sequelize-cli cannot parse', { url: 'sqlite:dev.sqlite' }, /could not be parsed/],
  ])('%s', async (_name, options, message) => {
    const env = await withPlugins('sequelize')
    const root = tempDir()
    try {
      const dir = join(root, 'app')
      linkNodeModules(dir)
      write(join(dir, 'config/config.json'), json2(both(options)))
      writeMigration(join(dir, 'migrations'), createTable(names[0]!, 'a'))
      const r = await mig(['up'], { cwd: root, env })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(hasStack(r.stderr)).toBe(false)
      expect(r.stdout + r.stderr).not.toContain(password)
      await expect(sequelizeCli(dir, ['db:migrate:status'])).rejects.toThrow(/Error parsing url/)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
