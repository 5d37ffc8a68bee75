import { describe, expect, it } from 'vitest'
import { connectionOf, connectionTarget } from '../../../../src/core/kit/index.js'
import { targetFrom } from '../../../../src/db/url.js'

const project = { name: 'users', tool: 'typeorm', dir: '/p', options: {} }
const rules = {
  dialects: { postgres: 'postgres', mariadb: 'mysql', 'better-sqlite3': 'sqlite' } as const,
  driverKey: 'DataSource type',
  fileKey: 'database',
  base: '/p',
}

describe('connectionTarget', () => {
  it('maps the driver to its dialect and builds the target from the parts', () => {
    const t = connectionTarget(project, { driver: 'mariadb', host: 'db', port: 3307, user: 'u', password: 'pw', database: 'app' }, rules)
    expect(t).toMatchObject({ dialect: 'mysql', key: 'mysql://db:3307/app', database: 'app' })
    expect(t.display).not.toContain('pw')
  })
  it('takes a URL over the parts, as the tools’ drivers do', () => {
    const t = connectionTarget(project, { driver: 'postgres', url: 'postgres://u@h:5433/real', database: 'ignored' }, rules)
    expect(t.key).toBe('postgres://h:5433/real')
  })
  it('ignores empty and null parts (the driver’s defaults apply)', () => {
    const t = connectionTarget(project, { driver: 'postgres', host: '', port: null, user: 'u', password: null, database: 'app' }, rules)
    expect(t.key).toBe('postgres://localhost:5432/app')
  })
  it('resolves a SQLite file against base, and shows one inside base relative to it', () => {
    expect(connectionTarget(project, { driver: 'better-sqlite3', file: 'data/dev.db' }, rules)).toMatchObject({
      file: '/p/data/dev.db',
      display: 'sqlite:data/dev.db',
    })
    expect(connectionTarget(project, { driver: 'better-sqlite3', file: '/p/data/dev.db' }, rules)).toMatchObject({
      file: '/p/data/dev.db',
      display: 'sqlite:./data/dev.db',
    })
    expect(connectionTarget(project, { driver: 'better-sqlite3', file: '/elsewhere/dev.db' }, rules).display).toBe(
      'sqlite:/elsewhere/dev.db',
    )
  })
  it('refuses an unsupported driver and a SQLite setting without a file, with the tool’s codes', () => {
    expect(() => connectionTarget(project, { driver: 'mssql' }, rules)).toThrow(
      expect.objectContaining({
        code: 'TYPEORM_DIALECT',
        message: 'users: DataSource type "mssql" is not supported by mig',
        hint: 'mig supports postgres, mariadb and better-sqlite3',
      }),
    )
    for (const file of [undefined, '', ':memory:'])
      expect(() => connectionTarget(project, { driver: 'better-sqlite3', file }, rules)).toThrow(
        expect.objectContaining({ code: 'TYPEORM_SQLITE_FILE', hint: 'set database to a file path' }),
      )
  })
})

describe('connectionOf', () => {
  it('gives a server target’s every part, and no empty user or password', () => {
    expect(connectionOf(targetFrom('postgres://me:s%40cret@db.example:6543/mig_scratch_1?sslmode=disable', '/'))).toEqual({
      url: 'postgres://me:s%40cret@db.example:6543/mig_scratch_1?sslmode=disable',
      host: 'db.example',
      port: 6543,
      user: 'me',
      password: 's@cret',
      database: 'mig_scratch_1',
    })
    expect(connectionOf(targetFrom('mysql://127.0.0.1/app', '/'))).toEqual({
      url: 'mysql://127.0.0.1/app',
      host: '127.0.0.1',
      port: 3306,
      database: 'app',
    })
  })
  it('gives a SQLite target’s file', () => {
    expect(connectionOf(targetFrom('sqlite:./dev.db', '/p'))).toEqual({ url: 'sqlite:./dev.db', file: '/p/dev.db' })
  })
  it('round-trips: the settings it gives name the same database', () => {
    const target = targetFrom('postgres://u:p@h:5439/db', '/')
    const s = connectionOf(target)
    expect(connectionTarget(project, { driver: 'postgres', ...s, url: undefined }, rules).key).toBe(target.key)
  })
})
