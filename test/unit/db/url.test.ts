import { describe, expect, it } from 'vitest'
import { parseDatabaseUrl } from '../../../src/db/url.js'

describe('parseDatabaseUrl', () => {
  it('resolves SQLite paths against the project dir and keys server databases by host, port and name', () => {
    expect(parseDatabaseUrl('sqlite:./dev.db', '/repo/app')).toMatchObject({ dialect: 'sqlite', file: '/repo/app/dev.db', key: 'sqlite:/repo/app/dev.db' })
    expect(parseDatabaseUrl('file:/tmp/x.db', '/repo')).toMatchObject({ file: '/tmp/x.db' })
    expect(parseDatabaseUrl('postgresql://u:p@h/app', '.')).toMatchObject({ dialect: 'postgres', key: 'postgres://h:5432/app', display: 'postgresql://u:***@h/app' })
    expect(parseDatabaseUrl('mariadb://u@h:3307/app', '.')).toMatchObject({ dialect: 'mysql', key: 'mysql://h:3307/app' })
  })
  it('rejects unknown schemes and URLs without a database', () => {
    expect(() => parseDatabaseUrl('mongodb://h/app', '.')).toThrow(/unsupported database URL/)
    expect(() => parseDatabaseUrl('postgres://h:5432', '.')).toThrow(/names no database/)
    expect(() => parseDatabaseUrl('sqlite:', '.')).toThrow(/names no file/)
  })
})
