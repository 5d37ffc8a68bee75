import { describe, expect, it } from 'vitest'
import { parseDatabaseUrl } from '../../../src/db/url.js'
import { expandUrlVars } from '../../../src/core/url-vars.js'
import { redact, redactUrl, redactValue, registerSecret, registerUrlSecret } from '../../../src/output/redact.js'

describe('redaction', () => {
  it('masks the password in URLs', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/billing')).toBe('postgres://app:***@db:5432/billing')
    expect(redactUrl('mysql://root@db/app')).toBe('mysql://root@db/app')
    expect(redact('failed for mysql://u:p%40ss@h/db and postgres://a:b@c/d')).toBe('failed for mysql://u:***@h/db and postgres://a:***@c/d')
  })

  it('masks a password that holds "/" or "@" whole (an unparsable URL, as a generated password makes)', () => {
    expect(redactUrl('postgres://app:ab/cd+ef@db/acme')).toBe('postgres://app:***@db/acme')
    expect(redactUrl('postgres://app:a@b/c@db:5432/acme?sslmode=require')).toBe('postgres://app:***@db:5432/acme?sslmode=require')
    expect(redactUrl('postgres://db:5432/acme')).toBe('postgres://db:5432/acme')
  })

  it("registers a ${VAR} that fills a URL's user info before anything parses it, and only that", () => {
    const env = { TENANT_PW: 'Zx/9+q?w#e', TENANT_HOST: 'db.internal' }
    const url = expandUrlVars('postgres://app:${TENANT_PW}@${TENANT_HOST}/acme', env, (n) => new Error(n))
    expect(url).toBe('postgres://app:Zx/9+q?w#e@db.internal/acme')
    expect(() => parseDatabaseUrl(url, '.')).toThrow()
    expect(redact(`cannot parse ${url}: password Zx/9+q?w#e`)).not.toContain('Zx/9+q?w#e')
    expect(redact('host db.internal')).toBe('host db.internal')
    expect(() => expandUrlVars('postgres://${NOPE}@h/d', env, (n) => new Error(`unset ${n}`))).toThrow('unset NOPE')
  })

  it('scrubs a registered password wherever it appears, decoded or not', () => {
    parseDatabaseUrl('postgres://app:pa%24%24word-xyz@db/app', '.')
    expect(redact('driver said: password "pa$$word-xyz" rejected')).toBe('driver said: password "***" rejected')
    expect(redactValue({ a: ['pa%24%24word-xyz'] })).toEqual({ a: ['***'] })
  })
})

describe('redaction by structure', () => {
  it('masks credential query parameters and the userinfo password, and nothing else of the URL', () => {
    expect(redactUrl('postgres://h/db?sslmode=require&password=hunter2&application_name=x')).toBe(
      'postgres://h/db?sslmode=require&password=***&application_name=x',
    )
    expect(redactUrl('mysql://h/db?user=app;pwd=abc&Token=t0k')).toBe('mysql://h/db?user=app;pwd=***&Token=***')
    // By position: a user or database whose name equals the password stays readable.
    expect(redactUrl('postgres://billing:billing@h/billing')).toBe('postgres://billing:***@h/billing')
  })

  it('finds URLs inside text, also with a scheme a plugin brings', () => {
    expect(redact('connect mssql://sa:Str0ng!@h/db failed; retry postgres://u:p@h/d')).toBe(
      'connect mssql://sa:***@h/db failed; retry postgres://u:***@h/d',
    )
  })
})

describe('redaction of registered secrets', () => {
  it('a secret of 8+ characters is masked anywhere; a shorter one only as a whole token', () => {
    registerSecret('longsecret99')
    registerSecret('perf')
    expect(redact('x-longsecret99-y and db perf_mig_knex, password perf.')).toBe('x-***-y and db perf_mig_knex, password ***.')
  })

  it('ignores a one-character secret rather than masking every such letter', () => {
    registerSecret('z')
    expect(redact('zebra z')).toBe('zebra z')
  })

  it('registerUrlSecret takes the password and credential parameters of a URL a plugin built, and nothing from a path', () => {
    registerUrlSecret('sqlserver://sa:Pl%40gin-pass@h/db?access_token=tok-abcdef12')
    registerUrlSecret('sqlite:./dev.db')
    expect(redact('login failed: Pl@gin-pass, token tok-abcdef12, file ./dev.db')).toBe('login failed: ***, token ***, file ./dev.db')
  })

  it('redactValue masks every string of a nested value and keeps its shape', () => {
    registerSecret('deep-secret-1')
    expect(redactValue({ n: 1, ok: true, list: [{ url: 'postgres://u:deep-secret-1@h/d', note: null }] })).toEqual({
      n: 1,
      ok: true,
      list: [{ url: 'postgres://u:***@h/d', note: null }],
    })
  })
})
