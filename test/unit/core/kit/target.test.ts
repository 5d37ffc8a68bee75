import { describe, expect, it } from 'vitest'
import { connectionParts, redirectUrl, toolTarget } from '../../../../src/core/kit/target.js'
import { parseDatabaseUrl, schemaTarget } from '../../../../src/db/url.js'

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

describe('toolTarget, as TypeORM and Sequelize give it', () => {
  const typeorm = { name: 'users', tool: 'typeorm' }
  const type = { option: 'type', accepts: ['postgres', 'mariadb', 'better-sqlite3'], fileOption: 'database', baseDir: '/p' }
  it('ignores empty and null parts (the driver’s defaults apply)', () => {
    const t = toolTarget(typeorm, { ...type, driver: 'postgres', host: '', port: null, user: 'u', password: null, database: 'app' })
    expect(t.key).toBe('postgres://localhost:5432/app')
  })
  it('shows an absolute SQLite file inside the base folder relative to it', () => {
    expect(toolTarget(typeorm, { ...type, driver: 'better-sqlite3', file: 'data/dev.db' })).toMatchObject({
      file: '/p/data/dev.db',
      display: 'sqlite:data/dev.db',
    })
    expect(toolTarget(typeorm, { ...type, driver: 'better-sqlite3', file: '/p/data/dev.db' })).toMatchObject({
      file: '/p/data/dev.db',
      display: 'sqlite:./data/dev.db',
    })
    expect(toolTarget(typeorm, { ...type, driver: 'better-sqlite3', file: '/elsewhere/dev.db' }).display).toBe('sqlite:/elsewhere/dev.db')
  })
  it('refuses an unsupported driver with <TOOL>_<OPTION>', () => {
    expect(() => toolTarget(typeorm, { ...type, driver: 'mssql' })).toThrow(
      expect.objectContaining({
        code: 'TYPEORM_TYPE',
        message: 'users: typeorm type "mssql" is not supported by mig',
        hint: 'mig supports postgres, mariadb and better-sqlite3',
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

describe('connectionParts', () => {
  it('round-trips: the parts it gives name the same database', () => {
    const target = parseDatabaseUrl('postgres://u:p@h:5439/db', '/')
    const parts = connectionParts(target)
    expect(
      toolTarget({ name: 'a', tool: 'typeorm' }, { option: 'type', driver: 'postgres', accepts: ['postgres'], ...parts, baseDir: '/' }).key,
    ).toBe(target.key)
  })
})

describe('a schema target', () => {
  it('is refused by redirectUrl and connectionParts (a tool would migrate the default schema), naming the project', () => {
    const tenant = schemaTarget(parseDatabaseUrl('postgres://u:p@h/app', '/'), 'acme')
    const typeorm = { name: 'billing', tool: 'typeorm' }
    for (const attempt of [() => redirectUrl('postgres://u:p@h/app', tenant, typeorm), () => connectionParts(tenant, typeorm)]) {
      expect(attempt).toThrow(
        expect.objectContaining({ code: 'SCHEMA_UNSUPPORTED', message: expect.stringMatching(/^billing: the typeorm adapter .*"acme"/) }),
      )
    }
    // Without its schema (an adapter that sets the search path itself): the database, as before.
    expect(connectionParts({ ...tenant, schema: undefined }).database).toBe('app')
  })
})
