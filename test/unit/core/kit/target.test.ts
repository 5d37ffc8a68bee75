import { describe, expect, it } from 'vitest'
import { connectionParts, redirectUrl, toolTarget } from '../../../../src/core/kit/target.js'
import { parseDatabaseUrl } from '../../../../src/db/url.js'

const knex = { name: 'jobs', tool: 'knex' }
const accepts = ['pg', 'mysql2', 'sqlite3', 'better-sqlite3']

describe('toolTarget', () => {
  it('names a server database from the URL, which wins, else from the parts', () => {
    const fromUrl = toolTarget(knex, {
      option: 'client',
      driver: 'pg',
      accepts,
      url: 'postgres://u:p@db:5433/app',
      host: 'x',
      baseDir: '/p',
    })
    expect(fromUrl).toMatchObject({ dialect: 'postgres', key: 'postgres://db:5433/app', database: 'app' })
    const fromParts = toolTarget(knex, {
      option: 'client',
      driver: 'mysql2',
      accepts,
      host: '',
      port: '3307',
      user: 'root',
      password: null,
      database: 'shop',
      baseDir: '/p',
    })
    expect(fromParts).toMatchObject({ dialect: 'mysql', key: 'mysql://localhost:3307/shop', url: 'mysql://root@localhost:3307/shop' })
  })
  it('resolves a relative SQLite file against the base folder, from a file or a URL', () => {
    const file = toolTarget(knex, { option: 'client', driver: 'sqlite3', accepts, file: './dev.db', baseDir: '/p/jobs' })
    expect(file).toMatchObject({ dialect: 'sqlite', file: '/p/jobs/dev.db', key: 'sqlite:/p/jobs/dev.db' })
    const prisma = { name: 'api', tool: 'prisma' }
    const url = toolTarget(prisma, { option: 'provider', driver: 'sqlite', accepts: ['sqlite'], url: 'file:./dev.db', baseDir: '/p/api' })
    expect(url).toMatchObject({ dialect: 'sqlite', file: '/p/api/dev.db' })
  })
  it("refuses a driver the tool and mig do not both support, in the tool's words", () => {
    expect(() => toolTarget(knex, { option: 'client', driver: 'oracledb', accepts, baseDir: '/p' })).toThrow(
      expect.objectContaining({
        code: 'KNEX_CLIENT',
        message: 'jobs: knex client "oracledb" is not supported by mig',
        hint: 'mig supports pg, mysql2, sqlite3 and better-sqlite3',
      }),
    )
    expect(() => toolTarget(knex, { option: 'client', driver: 'mariadb', accepts, baseDir: '/p' })).toThrow(
      expect.objectContaining({ code: 'KNEX_CLIENT' }),
    )
  })
  it('refuses an SQLite connection without a file, or in memory', () => {
    for (const file of [undefined, '', ':memory:'])
      expect(() =>
        toolTarget(knex, { option: 'client', driver: 'sqlite3', accepts, file, fileOption: 'connection.filename', baseDir: '/p' }),
      ).toThrow(
        expect.objectContaining({
          code: 'KNEX_SQLITE_FILE',
          message: "jobs: knex's SQLite connection names no file",
          hint: 'set connection.filename to a file path',
        }),
      )
  })
})

describe('redirectUrl', () => {
  it("points a tool's URL at another server's database, keeping its scheme and its own parameters", () => {
    const scratch = parseDatabaseUrl('postgres://mig:s%40cret@scratch.host:6543/mig_scratch_1', '/')
    expect(redirectUrl('postgresql://app:pw@db.host/app?schema=billing&connection_limit=3', scratch)).toBe(
      'postgresql://mig:s%40cret@scratch.host:6543/mig_scratch_1?schema=billing&connection_limit=3',
    )
  })
  it('points an SQLite URL at the other file', () => {
    const scratch = parseDatabaseUrl('sqlite:/tmp/scratch.db', '/')
    expect(redirectUrl('file:./dev.db?connection_limit=1', scratch)).toBe('file:/tmp/scratch.db?connection_limit=1')
    expect(redirectUrl('sqlite:./dev.db', scratch)).toBe('sqlite:/tmp/scratch.db')
  })
})

describe('connectionParts', () => {
  it("gives the target's server, credentials and database as a connection object's parts", () => {
    expect(connectionParts(parseDatabaseUrl('mysql://root:p%3Aw@127.0.0.1/mig_scratch_2', '/'))).toEqual({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: 'p:w',
      database: 'mig_scratch_2',
    })
  })
})
