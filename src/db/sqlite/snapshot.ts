import { closingOf, excluded, normaliseExpression, sortSnapshot, splitTopLevel } from '../snapshot.js'
import type { Check, Index, Snapshot, SnapshotOptions, Table } from '../snapshot.js'
import type { Db } from '../types.js'

/**
 * SQLite keeps a table's DDL text and answers the rest through pragmas; the
 * table-valued pragma functions joined to sqlite_master read every table's
 * columns, indexes and keys in one query each. CHECK constraints, partial
 * index predicates and expression index keys exist only in the DDL text.
 */
const OBJECTS = "SELECT type, name, tbl_name AS tbl, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
const COLUMNS = `SELECT m.name AS tbl, p.cid, p.name, p.type, p."notnull" AS nn, p.dflt_value AS dflt, p.pk, p.hidden
  FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`
const INDEXES = `SELECT m.name AS tbl, il.name, il."unique" AS uniq, il.origin, ii.seqno, ii.name AS col, ii."desc" AS descending
  FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ii
  WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND ii.key = 1`
const FOREIGN_KEYS = `SELECT m.name AS tbl, f.id, f.seq, f."table" AS ref, f."from" AS col, f."to" AS refcol, f.on_update AS onUpdate, f.on_delete AS onDelete
  FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`

interface ObjectRow {
  type: string
  name: string
  tbl: string
  sql: string | null
}
interface ColumnRow {
  tbl: string
  cid: number
  name: string
  type: string
  nn: number
  dflt: string | null
  pk: number
  hidden: number
}
interface IndexRow {
  tbl: string
  name: string
  uniq: number
  origin: string
  seqno: number
  col: string | null
  descending: number
}
interface ForeignKeyRow {
  tbl: string
  id: number
  seq: number
  ref: string
  col: string
  refcol: string | null
  onUpdate: string
  onDelete: string
}

/** The body of `CREATE TABLE name (…)`: its column definitions and table constraints. */
const tableBody = (sql: string): string[] => {
  const open = sql.indexOf('(')
  const close = open < 0 ? -1 : closingOf(sql, open)
  return close < 0 ? [] : splitTopLevel(sql.slice(open + 1, close))
}

/** CHECKs of a table's DDL, column ones included; a check with no name is named by its expression. */
function checksOf(sql: string): Check[] {
  const out: Check[] = []
  for (const part of tableBody(sql)) {
    const named = /^constraint\s+("[^"]+"|`[^`]+`|\[[^\]]+\]|\S+)\s+check\s*\(/i.exec(part)
    const pattern = /\bcheck\s*\(/gi
    for (let m = pattern.exec(part); m; m = pattern.exec(part)) {
      const open = m.index + m[0].length - 1
      const close = closingOf(part, open)
      if (close < 0) break
      const expression = normaliseExpression(part.slice(open + 1, close))
      out.push({ name: named && m.index === named[0].length - m[0].length ? normaliseExpression(named[1]!) : expression, expression })
      pattern.lastIndex = close
    }
  }
  return out
}

/** Keys and predicate of a `CREATE INDEX … ON t (keys) WHERE …` text. */
function parseIndex(sql: string): { columns: string[]; predicate: string | null } | null {
  const on = /\bon\s+("[^"]+"|`[^`]+`|\[[^\]]+\]|[^\s(]+)\s*\(/i.exec(sql)
  if (!on) return null
  const open = on.index + on[0].length - 1
  const close = closingOf(sql, open)
  if (close < 0) return null
  const where = /^\s*where\s+([\s\S]*)$/i.exec(sql.slice(close + 1))
  return {
    columns: splitTopLevel(sql.slice(open + 1, close)).map(normaliseExpression),
    predicate: where ? normaliseExpression(where[1]!) : null,
  }
}

function indexesOf(rows: IndexRow[], objects: ObjectRow[], tables: Map<string, Table>): void {
  const sqlOf = new Map(objects.filter((o) => o.type === 'index').map((o) => [o.name, o.sql]))
  const grouped = new Map<string, IndexRow[]>()
  for (const r of rows) {
    if (!tables.has(r.tbl)) continue
    if (!grouped.has(r.name)) grouped.set(r.name, [])
    grouped.get(r.name)!.push(r)
  }
  for (const [name, parts] of grouped) {
    const first = parts[0]!
    const t = tables.get(first.tbl)!
    const keys = parts.sort((a, b) => a.seqno - b.seqno).map((p) => `${p.col ?? '?'}${p.descending ? ' desc' : ''}`)
    if (first.origin === 'pk') continue
    if (first.origin === 'u') {
      // An automatic index's number follows the order of the DDL, which a table rebuild may change: name it by what it covers.
      t.uniques.push({ name: `${t.name}_${keys.join('_')}_unique`, columns: keys })
      continue
    }
    const parsed = parseIndex(sqlOf.get(name) ?? '')
    const index: Index = {
      name,
      columns: parsed?.columns ?? keys,
      unique: first.uniq === 1,
      method: null,
      predicate: parsed?.predicate ?? null,
    }
    t.indexes.push(index)
  }
}

function foreignKeysOf(rows: ForeignKeyRow[], tables: Map<string, Table>): void {
  const grouped = new Map<string, ForeignKeyRow[]>()
  for (const r of rows) {
    const key = `${r.tbl}\0${r.id}`
    if (!grouped.has(key)) grouped.set(key, [])
    grouped.get(key)!.push(r)
  }
  for (const parts of grouped.values()) {
    parts.sort((a, b) => a.seq - b.seq)
    const first = parts[0]!
    const t = tables.get(first.tbl)
    if (!t) continue
    const columns = parts.map((p) => p.col)
    t.foreignKeys.push({
      name: `${t.name}_${columns.join('_')}_fkey`,
      columns,
      refTable: first.ref,
      // A key to the referenced table's primary key leaves `to` empty.
      refColumns: parts.map((p) => p.refcol ?? ''),
      onDelete: first.onDelete.toLowerCase(),
      onUpdate: first.onUpdate.toLowerCase(),
    })
  }
}

/** Strip `CREATE VIEW name AS`: the definition is what follows. */
const viewBody = (sql: string): string =>
  normaliseExpression(sql).replace(/^create (temp |temporary )?view (if not exists )?("[^"]*"|[^\s(]+)(\([^)]*\))? ?as /, '')

/**
 * What a snapshot saw, for a later one on the same connection to read only
 * what changed. SQLite keeps a schema as DDL text alone, so a table's part
 * follows from its own DDL and its indexes': the same text, the same part.
 * Kept beside the snapshot, not in it, so equal schemas stay deep-equal.
 */
interface Seen {
  db: Db
  options: string
  /** Every object's DDL, in sqlite_master's order. */
  schema: string
  /** Each table's DDL and its indexes'. */
  texts: Map<string, string>
  tables: Map<string, Table>
}

const seen = new WeakMap<Snapshot, Seen>()

/** Restricts COLUMNS, INDEXES and FOREIGN_KEYS to the tables named in a JSON array. */
const only = (sql: string): string => `${sql} AND m.name IN (SELECT value FROM json_each(?))`

export async function snapshot(db: Db, options: SnapshotOptions = {}): Promise<Snapshot> {
  const skip = excluded(options)
  const key = JSON.stringify([...skip].sort())
  const since = options.since && seen.get(options.since)
  const prev = since && since.db === db && since.options === key ? since : undefined
  const objects = await db.query<ObjectRow>(OBJECTS)
  const schema = JSON.stringify(objects)
  // Nothing changed since: the earlier snapshot is this one.
  if (prev && prev.schema === schema) return options.since!
  const texts = new Map<string, string[]>()
  for (const o of objects) if (o.type === 'table' && !skip.has(o.name)) texts.set(o.name, [o.sql ?? ''])
  for (const o of [...objects].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)))
    if (o.type === 'index') texts.get(o.tbl)?.push(o.name, o.sql ?? '')
  const tables = new Map<string, Table>()
  const read = new Map<string, Table>()
  const ddl = new Map<string, string>()
  const seenTexts = new Map<string, string>()
  for (const o of objects) {
    if (o.type !== 'table' || skip.has(o.name)) continue
    const text = JSON.stringify(texts.get(o.name))
    seenTexts.set(o.name, text)
    const earlier = prev?.texts.get(o.name) === text ? prev.tables.get(o.name) : undefined
    if (earlier) {
      tables.set(o.name, earlier)
      continue
    }
    const table: Table = {
      name: o.name,
      columns: [],
      columnOrder: [],
      primaryKey: null,
      indexes: [],
      foreignKeys: [],
      checks: checksOf(o.sql ?? ''),
      uniques: [],
    }
    tables.set(o.name, table)
    read.set(o.name, table)
    ddl.set(o.name, o.sql ?? '')
  }
  // Without an earlier snapshot, every table's details at once; with one, only the changed tables' (none: no query).
  const details = async <T>(sql: string): Promise<T[]> =>
    !prev ? db.query<T>(sql) : read.size ? db.query<T>(only(sql), [JSON.stringify([...read.keys()])]) : []
  const columns = (await details<ColumnRow>(COLUMNS)).filter((c) => read.has(c.tbl) && c.hidden !== 1)
  const keys = new Map<string, ColumnRow[]>()
  for (const c of columns.sort((a, b) => a.cid - b.cid)) {
    const t = read.get(c.tbl)!
    const autoincrement = c.pk > 0 && /\bautoincrement\b/i.test(ddl.get(c.tbl) ?? '')
    const extra = [c.hidden === 2 ? 'generated virtual' : c.hidden === 3 ? 'generated stored' : '', autoincrement ? 'autoincrement' : '']
      .filter(Boolean)
      .join(' ')
    t.columns.push({
      name: c.name,
      type: c.type.toLowerCase(),
      nullable: c.nn === 0,
      default: c.dflt === null ? null : normaliseExpression(c.dflt),
      extra: extra || null,
    })
    t.columnOrder.push(c.name)
    if (c.pk > 0) keys.set(c.tbl, [...(keys.get(c.tbl) ?? []), c])
  }
  for (const [name, pk] of keys) read.get(name)!.primaryKey = { name: null, columns: pk.sort((a, b) => a.pk - b.pk).map((c) => c.name) }
  indexesOf(await details<IndexRow>(INDEXES), objects, read)
  foreignKeysOf(await details<ForeignKeyRow>(FOREIGN_KEYS), read)
  const result = sortSnapshot({
    dialect: 'sqlite',
    tables: [...tables.values()],
    views: objects.filter((o) => o.type === 'view').map((o) => ({ name: o.name, materialized: false, definition: viewBody(o.sql ?? '') })),
    types: [],
    sequences: [],
    routines: [],
    triggers: objects
      .filter((o) => o.type === 'trigger' && !skip.has(o.tbl))
      .map((o) => ({ name: o.name, table: o.tbl, definition: normaliseExpression(o.sql ?? '') })),
  })
  seen.set(result, { db, options: key, schema, texts: seenTexts, tables })
  return result
}
