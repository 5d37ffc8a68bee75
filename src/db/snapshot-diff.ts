import { isDeepStrictEqual } from 'node:util'
import type { Column, ForeignKey, Index, Snapshot, Table } from './snapshot.js'

/** One difference between two snapshots, with the object written out as it was and as it is. */
export interface SnapshotDiff {
  change: 'added' | 'removed' | 'changed'
  kind:
    | 'table'
    | 'column'
    | 'index'
    | 'foreign key'
    | 'check constraint'
    | 'unique constraint'
    | 'view'
    | 'type'
    | 'sequence'
    | 'trigger'
    | 'routine'
  /** The object, e.g. `index invoices_due_date_index on invoices(due_date)`, `column customers.phone`. */
  subject: string
  /** How it was (removed, changed), e.g. `varchar(20) null`. */
  before?: string
  /** How it is (added, changed). */
  after?: string
}

/** The moments the two snapshots were taken, for the sentences: `after down` / `before`. */
export interface DiffWords {
  before: string
  after: string
}

export interface DiffOptions {
  /** Also report a table whose columns are the same but in another order. */
  columnOrder?: boolean
}

interface Entry {
  kind: SnapshotDiff['kind']
  subject: string
  text: string
  /** Compared for equality; `text` is only for reading. */
  value: unknown
}

const list = (items: string[]): string => items.join(', ')
const column = (c: Column): string =>
  `${c.type} ${c.nullable ? 'null' : 'not null'}${c.default !== null ? ` default ${c.default}` : ''}${c.extra ? ` ${c.extra}` : ''}`
const index = (t: string, i: Index): string => `${i.unique ? 'unique ' : ''}index ${i.name} on ${t}(${list(i.columns)})`
const indexText = (i: Index): string =>
  [i.method && i.method !== 'btree' && `using ${i.method}`, i.predicate && `where ${i.predicate}`].filter(Boolean).join(' ')
const foreignKey = (t: string, f: ForeignKey): string => `foreign key ${f.name} on ${t}(${list(f.columns)})`
const foreignKeyText = (f: ForeignKey): string =>
  `references ${f.refTable}(${list(f.refColumns)}) on delete ${f.onDelete} on update ${f.onUpdate}`

/** The objects of one table (its columns, keys, indexes, constraints), by a key unique within the snapshot. */
function tableEntries(t: Table): Map<string, Entry> {
  const out = new Map<string, Entry>()
  const add = (key: string, entry: Entry) => out.set(key, entry)
  for (const c of t.columns) add(`column:${c.name}`, { kind: 'column', subject: `column ${t.name}.${c.name}`, text: column(c), value: c })
  for (const i of t.indexes) add(`index:${i.name}`, { kind: 'index', subject: index(t.name, i), text: indexText(i), value: i })
  for (const f of t.foreignKeys)
    add(`fk:${f.name}`, { kind: 'foreign key', subject: foreignKey(t.name, f), text: foreignKeyText(f), value: f })
  for (const c of t.checks)
    add(`check:${c.name}`, {
      kind: 'check constraint',
      subject: `check constraint ${c.name} on ${t.name}`,
      text: `check (${c.expression})`,
      value: c,
    })
  for (const u of t.uniques)
    add(`unique:${u.name}`, {
      kind: 'unique constraint',
      subject: `unique constraint ${u.name} on ${t.name}(${list(u.columns)})`,
      text: `unique (${list(u.columns)})`,
      value: u,
    })
  return out
}

/** Everything outside tables, plus the tables themselves (whose parts tableEntries compares). */
function topEntries(s: Snapshot): Map<string, Entry> {
  const out = new Map<string, Entry>()
  for (const t of s.tables) {
    const pk = t.primaryKey
      ? `primary key ${t.primaryKey.name ? `${t.primaryKey.name} ` : ''}(${list(t.primaryKey.columns)})`
      : 'no primary key'
    out.set(`table:${t.name}`, { kind: 'table', subject: `table ${t.name}`, text: `${t.columns.length} columns, ${pk}`, value: t })
  }
  for (const v of s.views)
    out.set(`view:${v.name}`, {
      kind: 'view',
      subject: `${v.materialized ? 'materialized ' : ''}view ${v.name}`,
      text: v.definition,
      value: v,
    })
  for (const t of s.types)
    out.set(`type:${t.name}`, { kind: 'type', subject: `${t.kind} type ${t.name}`, text: `(${list(t.definition)})`, value: t })
  for (const q of s.sequences)
    out.set(`sequence:${q.name}`, {
      kind: 'sequence',
      subject: `sequence ${q.name}`,
      text: `${q.type}${q.ownedBy ? ` owned by ${q.ownedBy}` : ''}`,
      value: q,
    })
  for (const r of s.routines)
    out.set(`routine:${r.name}`, { kind: 'routine', subject: `${r.kind} ${r.name}`, text: r.definition, value: r })
  for (const t of s.triggers)
    out.set(`trigger:${t.table}.${t.name}`, { kind: 'trigger', subject: `trigger ${t.name} on ${t.table}`, text: t.definition, value: t })
  return out
}

function compare(
  before: Map<string, Entry>,
  after: Map<string, Entry>,
  same: (a: Entry, b: Entry) => SnapshotDiff[] | null,
): SnapshotDiff[] {
  const out: SnapshotDiff[] = []
  for (const [key, a] of before) {
    const b = after.get(key)
    if (!b) out.push({ change: 'removed', kind: a.kind, subject: a.subject, before: a.text })
    else out.push(...(same(a, b) ?? []))
  }
  for (const [key, b] of after) if (!before.has(key)) out.push({ change: 'added', kind: b.kind, subject: b.subject, after: b.text })
  return out
}

const changed = (a: Entry, b: Entry): SnapshotDiff[] =>
  isDeepStrictEqual(a.value, b.value) ? [] : [{ change: 'changed', kind: a.kind, subject: a.subject, before: a.text, after: b.text }]

/** A table in both: its own properties (primary key, column order), then each of its parts. */
function tableDiff(a: Table, b: Table, options: DiffOptions): SnapshotDiff[] {
  const out: SnapshotDiff[] = []
  const pk = (t: Table) =>
    t.primaryKey ? `primary key ${t.primaryKey.name ? `${t.primaryKey.name} ` : ''}(${list(t.primaryKey.columns)})` : 'no primary key'
  if (!isDeepStrictEqual(a.primaryKey, b.primaryKey))
    out.push({ change: 'changed', kind: 'table', subject: `table ${a.name}`, before: pk(a), after: pk(b) })
  if (options.columnOrder && !isDeepStrictEqual(a.columnOrder, b.columnOrder)) {
    out.push({
      change: 'changed',
      kind: 'table',
      subject: `table ${a.name}`,
      before: `columns in order (${list(a.columnOrder)})`,
      after: `columns in order (${list(b.columnOrder)})`,
    })
  }
  return [...out, ...compare(tableEntries(a), tableEntries(b), changed)]
}

/** What differs from `before` to `after`: objects added, removed and changed, tables first. */
export function diffSnapshots(before: Snapshot, after: Snapshot, options: DiffOptions = {}): SnapshotDiff[] {
  if (before === after) return []
  // A table a snapshot reused from the one before is the same object: nothing to compare.
  return compare(topEntries(before), topEntries(after), (a, b) =>
    a.value === b.value ? [] : a.kind === 'table' ? tableDiff(a.value as Table, b.value as Table, options) : changed(a, b),
  )
}

/**
 * One sentence per difference, e.g. `index invoices_due_date_index on
 * invoices(due_date) exists after down; it did not before`.
 */
export function describeDiff(diff: readonly SnapshotDiff[], words: DiffWords = { before: 'before', after: 'after down' }): string[] {
  return diff.map((d) => {
    switch (d.change) {
      case 'added':
        return `${d.subject} exists ${words.after}; it did not ${words.before}${d.after ? ` (${d.after})` : ''}`
      case 'removed':
        return `${d.subject} is gone ${words.after}; it was there ${words.before}${d.before ? ` (${d.before})` : ''}`
      case 'changed':
        return `${d.subject} differs: ${d.before} ${words.before}, ${d.after} ${words.after}`
    }
  })
}
