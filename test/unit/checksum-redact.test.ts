import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checksumFiles } from '../../src/core/checksum.js'
import { parseDatabaseUrl } from '../../src/db/url.js'
import { redact, redactUrl, redactValue } from '../../src/output/redact.js'
import { tempDir } from '../helpers.js'

describe('checksumFiles', () => {
  it('ignores CRLF versus LF, and sees every other change', async () => {
    const dir = tempDir()
    const [a, b, c] = ['a.sql', 'b.sql', 'c.sql'].map((f) => join(dir, f)) as [string, string, string]
    writeFileSync(a, 'CREATE TABLE t (id int);\nSELECT 1;\n')
    writeFileSync(b, 'CREATE TABLE t (id int);\r\nSELECT 1;\r\n')
    writeFileSync(c, 'CREATE TABLE t (id int);\nSELECT 2;\n')
    expect(await checksumFiles([a])).toBe(await checksumFiles([b]))
    expect(await checksumFiles([a])).not.toBe(await checksumFiles([c]))
    expect(await checksumFiles([a])).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('redaction', () => {
  it('masks the password in URLs', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/billing')).toBe('postgres://app:***@db:5432/billing')
    expect(redactUrl('mysql://root@db/app')).toBe('mysql://root@db/app')
    expect(redact('failed for mysql://u:p%40ss@h/db and postgres://a:b@c/d')).toBe('failed for mysql://u:***@h/db and postgres://a:***@c/d')
  })

  it('scrubs a registered password wherever it appears, decoded or not', () => {
    parseDatabaseUrl('postgres://app:pa%24%24word-xyz@db/app', '.')
    expect(redact('driver said: password "pa$$word-xyz" rejected')).toBe('driver said: password "***" rejected')
    expect(redactValue({ a: ['pa%24%24word-xyz'] })).toEqual({ a: ['***'] })
  })
})

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
