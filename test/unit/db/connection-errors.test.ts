import { describe, expect, it } from 'vitest'
import { connectionError, connectionLostIn } from '../../../src/db/connection-errors.js'
import { driver as mysql } from '../../../src/db/mysql/index.js'
import { driver as postgres } from '../../../src/db/postgres/index.js'
import { driver as sqlite } from '../../../src/db/sqlite/index.js'
import { parseDatabaseUrl } from '../../../src/db/url.js'

const pg = parseDatabaseUrl('postgres://alice:pw-conn@db/app', '.')
const my = parseDatabaseUrl('mysql://bob@db/shop', '.')
const lite = parseDatabaseUrl('sqlite:/nowhere/app.db', '/')

/** The error shapes below are the drivers' own (pg, mysql2, better-sqlite3), as they throw them. */
describe('connectionError', () => {
  it('calls a network failure unreachable on every dialect, before the dialect is asked', () => {
    for (const [target, d] of [
      [pg, postgres],
      [my, mysql],
    ] as const) {
      expect(
        connectionError(
          target,
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
          d.connectFailure.bind(d),
        ),
      ).toMatchObject({ code: 'DB_UNREACHABLE' })
    }
    expect(connectionError(pg, new Error('Connection terminated due to connection timeout'), postgres.connectFailure)).toMatchObject({
      code: 'DB_UNREACHABLE',
      message: expect.stringContaining('timed out'),
    })
  })

  it('reads PostgreSQL SQLSTATEs: 28P01 is authentication, 3D000 a missing database with a createdb hint', () => {
    const auth = connectionError(
      pg,
      Object.assign(new Error('password authentication failed for user "alice"'), { code: '28P01' }),
      postgres.connectFailure,
    )
    expect(auth).toMatchObject({ code: 'DB_AUTH', message: expect.stringContaining('"alice"') })
    expect(auth.message).not.toContain('pw-conn')
    expect(
      connectionError(pg, Object.assign(new Error('database "app" does not exist'), { code: '3D000' }), postgres.connectFailure),
    ).toMatchObject({ code: 'DB_MISSING', hint: expect.stringContaining('createdb app') })
  })

  it('reads mysql2 codes and bare server errnos: 1045 is authentication, 1049 a missing database', () => {
    expect(
      connectionError(my, Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), mysql.connectFailure),
    ).toMatchObject({ code: 'DB_AUTH' })
    expect(connectionError(my, { errno: 1045, message: 'denied' }, mysql.connectFailure)).toMatchObject({ code: 'DB_AUTH' })
    expect(connectionError(my, { code: 'ER_BAD_DB_ERROR', errno: 1049 }, mysql.connectFailure)).toMatchObject({
      code: 'DB_MISSING',
      hint: expect.stringContaining('CREATE DATABASE `shop`'),
    })
  })

  it('reads better-sqlite3: SQLITE_CANTOPEN and its code-less TypeError for a missing directory are both "cannot open"', () => {
    expect(
      connectionError(lite, Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' }), sqlite.connectFailure),
    ).toMatchObject({ code: 'DB_SQLITE_OPEN', message: expect.stringContaining('/nowhere/app.db') })
    expect(
      connectionError(lite, new TypeError('Cannot open database because the directory does not exist'), sqlite.connectFailure),
    ).toMatchObject({ code: 'DB_SQLITE_OPEN' })
  })

  it("one dialect's codes mean nothing to another: the rest is DB_CONNECT, redacted, on one line", () => {
    expect(connectionError(my, { code: '28P01', message: 'x' }, mysql.connectFailure)).toMatchObject({ code: 'DB_CONNECT' })
    const other = connectionError(pg, new Error('SSL required, and pw-conn is wrong'), postgres.connectFailure)
    expect(other).toMatchObject({ code: 'DB_CONNECT' })
    expect(other.message).not.toContain('pw-conn')
    expect(connectionError(pg, undefined)).toMatchObject({ code: 'DB_CONNECT' })
  })
})

describe('connectionLostIn', () => {
  const all = [postgres, mysql, sqlite]

  it('knows Node socket codes without any driver', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ECONNABORTED']) expect(connectionLostIn({ code }, [])).toBe(true)
  })

  it("knows each driver's own signs of a dead connection only through that driver", () => {
    const pgDead = [
      { code: '57P01', message: 'terminating connection due to administrator command' },
      new Error('Connection terminated unexpectedly'),
      new Error('Client was closed and is not queryable'),
    ]
    const myDead = [
      { code: 'PROTOCOL_CONNECTION_LOST' },
      { code: 'ER_CONNECTION_KILLED' },
      { errno: 1927 },
      new Error("Can't add new command when connection is in closed state"),
    ]
    for (const e of pgDead) expect([connectionLostIn(e, [postgres]), connectionLostIn(e, [mysql])]).toEqual([true, false])
    for (const e of myDead) expect([connectionLostIn(e, [mysql]), connectionLostIn(e, [postgres])]).toEqual([true, false])
  })

  it('follows the cause chain, a bounded depth, and leaves ordinary SQL errors alone', () => {
    expect(connectionLostIn(new Error('migration 003 failed', { cause: new Error('wrapped', { cause: { code: '57P01' } }) }), all)).toBe(
      true,
    )
    let deep: unknown = { code: 'ECONNRESET' }
    for (let i = 0; i < 10; i++) deep = { message: `level ${i}`, cause: deep }
    expect(connectionLostIn(deep, all)).toBe(false)
    expect(connectionLostIn(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }), all)).toBe(false)
    expect(connectionLostIn({ code: 'SQLITE_BUSY' }, all)).toBe(false)
    expect(connectionLostIn(undefined, all)).toBe(false)
  })
})
