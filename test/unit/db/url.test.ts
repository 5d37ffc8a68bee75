import { describe, expect, it } from 'vitest'
import { parseDatabaseUrl, schemaTarget, serverParts, targetFrom } from '../../../src/db/url.js'
import { redact } from '../../../src/output/redact.js'

describe('parseDatabaseUrl', () => {
  it('reads every scheme of every dialect', () => {
    expect(parseDatabaseUrl('postgres://h/app', '.').dialect).toBe('postgres')
    expect(parseDatabaseUrl('POSTGRESQL://h/app', '.').dialect).toBe('postgres')
    expect(parseDatabaseUrl('mysql://h/app', '.').dialect).toBe('mysql')
    expect(parseDatabaseUrl('mariadb://h/app', '.').dialect).toBe('mysql')
    expect(parseDatabaseUrl('sqlite:app.db', '/p').dialect).toBe('sqlite')
    expect(parseDatabaseUrl('file:app.db', '/p').dialect).toBe('sqlite')
  })

  it('takes SQLite paths with and without slashes, drops a query, and refuses :memory:', () => {
    expect(parseDatabaseUrl('sqlite:///abs/app.db', '/p').file).toBe('/abs/app.db')
    expect(parseDatabaseUrl('  sqlite:./db/app.db?mode=rwc ', '/p').file).toBe('/p/db/app.db')
    expect(() => parseDatabaseUrl('sqlite::memory:', '/p')).toThrow(/names no file/)
  })

  it('keys server databases by dialect, host, default port and name, whatever the scheme and credentials', () => {
    const a = parseDatabaseUrl('postgresql://alice:one@db.internal/app', '.')
    const b = parseDatabaseUrl('postgres://bob@db.internal:5432/app?sslmode=require', '.')
    expect(a.key).toBe(b.key)
    expect(parseDatabaseUrl('mariadb://u@localhost/app%20x', '.')).toMatchObject({ key: 'mysql://localhost:3306/app x', database: 'app x' })
  })

  it('masks the password in display and registers it for redaction', () => {
    const t = parseDatabaseUrl('mysql://u:s3cr%2Ft-unit@h/app', '.')
    expect(t.display).not.toContain('s3cr')
    expect(redact('login with s3cr/t-unit failed')).not.toContain('s3cr/t-unit')
  })

  it('names a malformed URL without its password', () => {
    expect(() => parseDatabaseUrl('postgres://u:pw-unit@[bad/app', '.')).toThrow(/malformed database URL/)
    try {
      parseDatabaseUrl('postgres://u:pw-unit@[bad/app', '.')
    } catch (error) {
      expect((error as Error).message).not.toContain('pw-unit')
    }
  })
})

describe('targetFrom', () => {
  it('builds the same target from parts as from the URL, escaping what needs it', () => {
    const parts = targetFrom({ dialect: 'postgres', host: 'h', port: 5433, user: 'a b', password: 'p@ss:word', database: 'app' }, '.')
    expect(parts.key).toBe(parseDatabaseUrl('postgres://h:5433/app', '.').key)
    expect(serverParts(parts)).toMatchObject({ user: 'a b', password: 'p@ss:word', port: '5433' })
  })
})

describe('serverParts', () => {
  it('gives the client tools host, port (the dialect default when absent), user, password and database', () => {
    expect(serverParts(parseDatabaseUrl('postgres://u:p%40w@h/app', '.'))).toEqual({
      host: 'h',
      port: '5432',
      user: 'u',
      password: 'p@w',
      database: 'app',
    })
    expect(serverParts(parseDatabaseUrl('mysql://root@127.0.0.1/test', '.'))).toEqual({
      host: '127.0.0.1',
      port: '3306',
      user: 'root',
      password: '',
      database: 'test',
    })
  })

  it('takes a password given as ?password=, as libpq and mysql2 do', () => {
    expect(serverParts(parseDatabaseUrl('postgres://u@h:6000/app?password=q-unit', '.'))).toMatchObject({
      port: '6000',
      password: 'q-unit',
    })
  })
})

describe('parseDatabaseUrl: resolution and refusals', () => {
  it('resolves SQLite paths against the project dir and keys server databases by host, port and name', () => {
    expect(parseDatabaseUrl('sqlite:./dev.db', '/repo/app')).toMatchObject({
      dialect: 'sqlite',
      file: '/repo/app/dev.db',
      key: 'sqlite:/repo/app/dev.db',
    })
    expect(parseDatabaseUrl('file:/tmp/x.db', '/repo')).toMatchObject({ file: '/tmp/x.db' })
    expect(parseDatabaseUrl('postgresql://u:p@h/app', '.')).toMatchObject({
      dialect: 'postgres',
      key: 'postgres://h:5432/app',
      display: 'postgresql://u:***@h/app',
    })
    expect(parseDatabaseUrl('mariadb://u@h:3307/app', '.')).toMatchObject({ dialect: 'mysql', key: 'mysql://h:3307/app' })
  })
  it('rejects unknown schemes and URLs without a database', () => {
    expect(() => parseDatabaseUrl('mongodb://h/app', '.')).toThrow(/unsupported database URL/)
    expect(() => parseDatabaseUrl('postgres://h:5432', '.')).toThrow(/names no database/)
    expect(() => parseDatabaseUrl('sqlite:', '.')).toThrow(/names no file/)
  })
})

describe('schemaTarget', () => {
  it('keys, shows and keeps a PostgreSQL schema apart from its database and from other schemas', () => {
    const db = parseDatabaseUrl('postgres://u:sch3ma-secret@db:5432/app', '.')
    const acme = schemaTarget(db, 'acme')
    expect(acme).toMatchObject({
      dialect: 'postgres',
      url: db.url,
      database: 'app',
      schema: 'acme',
      key: 'postgres://db:5432/app?schema=acme',
    })
    expect(acme.display).toBe(`${db.display} (schema acme)`)
    expect(acme.display).not.toContain('sch3ma-secret')
    expect(schemaTarget(db, 'globex').key).not.toBe(acme.key)
    // Another schema of a schema target is that schema of the database, not a schema within a schema.
    expect(schemaTarget(acme, 'globex')).toMatchObject({
      key: 'postgres://db:5432/app?schema=globex',
      display: `${db.display} (schema globex)`,
    })
  })

  it('refuses MySQL/MariaDB and SQLite with SCHEMA_UNSUPPORTED, and names PostgreSQL would cut or reserves with SCHEMA_INVALID', () => {
    for (const url of ['mysql://h/app', 'sqlite:app.db']) {
      expect(() => schemaTarget(parseDatabaseUrl(url, '/p'), 'acme')).toThrow(expect.objectContaining({ code: 'SCHEMA_UNSUPPORTED' }))
    }
    const db = parseDatabaseUrl('postgres://h/app', '.')
    for (const bad of ['', 'pg_acme', 'x'.repeat(64), 'a\0b']) {
      expect(() => schemaTarget(db, bad)).toThrow(expect.objectContaining({ code: 'SCHEMA_INVALID' }))
    }
    expect(schemaTarget(db, 'x'.repeat(63)).schema).toHaveLength(63)
  })
})
