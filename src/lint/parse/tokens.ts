import type { Op } from '../types.js'
import type { Parsed } from './index.js'

/*
 * The token check: for a statement the parser refused (a dialect form it does
 * not know, a trigger body, a typo), the keywords alone still say what most
 * DDL does. Findings from it are marked `parsed: false` and the report lists
 * such statements, so nothing goes unchecked in silence.
 */

interface Token {
  /** Upper-cased for words; the name for quoted identifiers. */
  v: string
  quoted: boolean
  depth: number
}

const tokenPattern =
  /\s+|--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|\$(\w*)\$[\s\S]*?\$\1\$|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[\w$.]+|./g

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let depth = 0
  for (const [text] of sql.matchAll(tokenPattern)) {
    const c = text[0]!
    if (/\s/.test(c) || text.startsWith('--') || text.startsWith('/*') || (c === '#' && text.length > 1)) continue
    if (c === "'" || (c === '$' && text.length > 1 && text.endsWith('$'))) {
      tokens.push({ v: "'", quoted: false, depth })
    } else if (c === '"' || c === '`' || c === '[') {
      tokens.push({ v: text.slice(1, -1), quoted: true, depth })
    } else {
      if (c === ')') depth--
      tokens.push({ v: text.toUpperCase(), quoted: false, depth })
      if (c === '(') depth++
    }
  }
  return tokens
}

/** A cursor over tokens: `take('IF', 'NOT', 'EXISTS')` consumes that sequence when it is next. */
class Cursor {
  i = 0
  constructor(readonly t: Token[]) {}
  peek(k = 0): string | undefined {
    return this.t[this.i + k]?.v
  }
  take(...words: string[]): boolean {
    if (!words.every((w, k) => this.t[this.i + k] && !this.t[this.i + k]!.quoted && this.t[this.i + k]!.v === w)) return false
    this.i += words.length
    return true
  }
  oneOf(...words: string[]): string | undefined {
    const w = words.find((word) => this.take(word))
    return w
  }
  /** A name as written (quoted: exact; bare: lower-cased, schema dropped). */
  name(): string {
    const tok = this.t[this.i++]
    if (!tok) return ''
    return tok.quoted ? tok.v : (tok.v.split('.').at(-1) ?? '').toLowerCase()
  }
  rest(): Token[] {
    return this.t.slice(this.i)
  }
}

const has = (tokens: Token[], ...words: string[]): boolean =>
  tokens.some((_, i) => words.every((w, k) => tokens[i + k] && !tokens[i + k]!.quoted && tokens[i + k]!.v === w))

export function tokenCheck(sql: string): Parsed {
  const tokens = tokenize(sql)
  const c = new Cursor(tokens)
  const first = c.peek() ?? ''
  const ddl = ['CREATE', 'ALTER', 'DROP', 'RENAME', 'TRUNCATE'].includes(first)
  return { ddl, ops: statementOps(c) }
}

function statementOps(c: Cursor): Op[] {
  if (c.take('CREATE')) return createOps(c)
  if (c.take('DROP')) return dropOps(c)
  if (c.take('ALTER', 'TABLE')) {
    c.take('IF', 'EXISTS')
    c.take('ONLY')
    const table = c.name()
    return clauses(c.rest()).flatMap((clause) => alterOps(table, new Cursor(clause)))
  }
  if (c.take('RENAME', 'TABLE')) {
    const from = c.name()
    return c.take('TO') ? [{ kind: 'rename-table', from, to: c.name() }] : []
  }
  if (c.take('UPDATE')) {
    c.take('ONLY')
    return [{ kind: 'update', table: c.name(), where: topLevel(c.rest(), 'WHERE') }]
  }
  if (c.take('DELETE', 'FROM')) {
    c.take('ONLY')
    return [{ kind: 'delete', table: c.name(), where: topLevel(c.rest(), 'WHERE') }]
  }
  if (c.take('INSERT', 'INTO')) {
    const table = c.name()
    const rest = c.rest()
    const at = rest.findIndex((t) => !t.quoted && t.v === 'FROM')
    return has(rest, 'SELECT') && at >= 0 ? [{ kind: 'insert-select', table, from: [new Cursor(rest.slice(at + 1)).name()] }] : []
  }
  return []
}

const topLevel = (tokens: Token[], word: string): boolean => tokens.some((t) => t.depth === 0 && !t.quoted && t.v === word)

function createOps(c: Cursor): Op[] {
  const unique = c.take('UNIQUE')
  if (c.take('INDEX')) {
    const concurrently = c.take('CONCURRENTLY')
    c.take('IF', 'NOT', 'EXISTS')
    const index = c.peek() === 'ON' ? undefined : c.name()
    if (!c.take('ON')) return []
    c.take('ONLY')
    return [{ kind: 'create-index', table: c.name(), ...(index ? { index } : {}), concurrently, unique }]
  }
  c.oneOf('TEMP', 'TEMPORARY', 'UNLOGGED')
  if (!c.take('TABLE')) return []
  c.take('IF', 'NOT', 'EXISTS')
  return [{ kind: 'create-table', table: c.name() }]
}

function dropOps(c: Cursor): Op[] {
  const what = c.oneOf('INDEX', 'TABLE')
  if (!what) return []
  const concurrently = c.take('CONCURRENTLY')
  c.take('IF', 'EXISTS')
  const names = [c.name()]
  while (c.take(',')) names.push(c.name())
  return what === 'INDEX' ? [{ kind: 'drop-index', indexes: names, concurrently }] : [{ kind: 'drop-table', tables: names }]
}

/** ALTER TABLE's comma-separated actions (commas inside parentheses belong to the action). */
function clauses(tokens: Token[]): Token[][] {
  const out: Token[][] = [[]]
  for (const t of tokens) {
    if (t.depth === 0 && t.v === ',' && !t.quoted) out.push([])
    else if (!(t.depth === 0 && t.v === ';')) out.at(-1)!.push(t)
  }
  return out.filter((cl) => cl.length)
}

const constraintWords: Record<string, 'foreign-key' | 'check' | 'unique' | 'primary-key'> = {
  FOREIGN: 'foreign-key',
  CHECK: 'check',
  UNIQUE: 'unique',
  PRIMARY: 'primary-key',
}

function alterOps(table: string, c: Cursor): Op[] {
  const all = c.rest()
  if (c.take('ADD')) {
    if (c.take('CONSTRAINT')) c.name()
    const kind = constraintWords[c.peek() ?? '']
    if (kind)
      return [
        { kind: 'add-constraint', table, constraint: kind, notValid: has(all, 'NOT', 'VALID'), usingIndex: has(all, 'USING', 'INDEX') },
      ]
    if (['INDEX', 'KEY', 'FULLTEXT', 'SPATIAL'].includes(c.peek() ?? '')) return []
    c.take('COLUMN')
    c.take('IF', 'NOT', 'EXISTS')
    const column = c.name()
    const rest = c.rest()
    const hasDefault =
      has(rest, 'DEFAULT') || has(rest, 'GENERATED') || has(rest, 'AUTO_INCREMENT') || /^(BIG|SMALL)?SERIAL[248]?$/.test(rest[0]?.v ?? '')
    return [
      {
        kind: 'add-column',
        table,
        column,
        notNull: has(rest, 'NOT', 'NULL') || has(rest, 'PRIMARY', 'KEY'),
        hasDefault,
        ...(has(rest, 'REFERENCES') ? { references: true } : {}),
      },
    ]
  }
  if (c.take('DROP')) {
    if (['CONSTRAINT', 'INDEX', 'KEY', 'PRIMARY', 'FOREIGN', 'DEFAULT', 'CHECK'].includes(c.peek() ?? '')) return []
    c.take('COLUMN')
    c.take('IF', 'EXISTS')
    return [{ kind: 'drop-column', table, column: c.name() }]
  }
  if (c.take('RENAME')) {
    if (c.oneOf('TO', 'AS')) return [{ kind: 'rename-table', from: table, to: c.name() }]
    c.take('COLUMN')
    const from = c.name()
    return c.take('TO') ? [{ kind: 'rename-column', table, from, to: c.name() }] : []
  }
  if (c.take('ALTER')) {
    c.take('COLUMN')
    const column = c.name()
    if (c.take('SET', 'NOT', 'NULL')) return [{ kind: 'set-not-null', table, column }]
    if (c.take('TYPE') || c.take('SET', 'DATA', 'TYPE')) return [{ kind: 'change-type', table, column }]
    return []
  }
  if (c.oneOf('MODIFY', 'CHANGE')) {
    const change = c.t[c.i - 1]!.v === 'CHANGE'
    c.take('COLUMN')
    const from = c.name()
    const to = change ? c.name() : from
    return [{ kind: 'change-type', table, column: from }, ...(from !== to ? [{ kind: 'rename-column' as const, table, from, to }] : [])]
  }
  return []
}
