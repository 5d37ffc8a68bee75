import { afterAll, describe, expect, it } from 'vitest'
import {
  type JournalEntry,
  JOURNAL,
  ensureJournal,
  journalInsertSql,
  journalTable,
  readJournal,
  sqlLiteral,
} from '../../../src/core/journal.js'
import { availableDialects, createTestDatabase } from '../../../src/testing/index.js'

const hostile = ["it's", 'back\\slash', 'ends with \\', "\\'", 'a ? b ?? $1 :name', 'nul\0here', 'ünïcødé ✓ 🐘', '', "'; DROP TABLE x; --"]

describe('sqlLiteral: values written into the journal statement', () => {
  it('writes numbers, NULL and plain text as they are', () => {
    expect(sqlLiteral('postgres', null)).toBe('NULL')
    expect(sqlLiteral('mysql', 42)).toBe('42')
    expect(sqlLiteral('sqlite', 'create_users')).toBe("'create_users'")
    expect(() => sqlLiteral('sqlite', 1.5)).toThrow()
  })

  it.each(['postgres', 'mysql', 'sqlite'] as const)('on %s never leaves a ?, a bare quote or a NUL in the text', (dialect) => {
    for (const value of hostile) {
      const literal = sqlLiteral(dialect, value)
      expect(literal).not.toContain('?')
      expect(literal).not.toContain('\0')
    }
    expect(sqlLiteral('postgres', "it's\\")).toBe("E'it''s\\\\'")
    expect(sqlLiteral('mysql', "a'b")).toBe("_utf8mb4 X'612762'")
    expect(sqlLiteral('sqlite', "a'b?c")).toBe("('a''b' || char(63) || 'c')")
  })
})

const dialects = await availableDialects()
const cleanup: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const c of cleanup.reverse()) await c()
})

describe.each(dialects)('journalInsertSql on %s: the database reads back exactly what was meant', (dialect) => {
  it('round-trips quotes, backslashes, placeholders and unicode; NUL becomes U+FFFD as in recordJournal', async () => {
    const database = await createTestDatabase(dialect)
    cleanup.push(() => database.drop())
    const db = await database.db()
    await ensureJournal(db)
    if (dialect === 'mysql') await db.run("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
    // backslash_quote off refuses \' in a literal (as some client encodings do): quotes must be doubled.
    if (dialect === 'postgres') await db.run('SET standard_conforming_strings = off; SET backslash_quote = off')
    const entry = (migration: string, note: string): JournalEntry => ({
      project: 'p',
      tool: 'knex',
      migration,
      direction: 'up',
      checksum: null,
      actor: note,
      startedAt: '2024-01-01T00:00:00.000Z',
      durationMs: 7,
      outcome: 'ok',
      error: note,
      backupId: null,
      note,
    })
    hostile.forEach((value, i) => expect(journalInsertSql(dialect, entry(`m${i}`, value), JOURNAL)).not.toContain('?'))
    for (const [i, value] of hostile.entries()) await db.run(journalInsertSql(dialect, entry(`m${i}`, value), await journalTable(db)))
    const read = await readJournal(db, ['p'])
    expect(read.map((e) => e.migration)).toEqual(hostile.map((_, i) => `m${i}`))
    const meant = hostile.map((v) => v.replaceAll('\0', '\uFFFD'))
    expect(read.map((e) => e.actor)).toEqual(meant)
    expect(read.map((e) => e.error)).toEqual(meant)
    expect(read.map((e) => e.note ?? '')).toEqual(meant)
    expect(read.every((e) => e.durationMs === 7 && e.outcome === 'ok' && e.checksum === null)).toBe(true)
  })
})
