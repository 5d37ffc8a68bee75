import { describe, expect, it } from 'vitest'
import { parseDatabaseUrl } from '../../../src/db/url.js'
import { redact, redactUrl, redactValue } from '../../../src/output/redact.js'

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
