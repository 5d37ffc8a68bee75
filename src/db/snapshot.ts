import { isDeepStrictEqual } from 'node:util'
import { loadDriver } from './drivers.js'
import type { Db, Dialect } from './types.js'

/**
 * A normalised catalog of one database's (PostgreSQL: one schema's) user
 * schema, for `mig verify` to compare before and after a down. Every list is
 * sorted by name, so two snapshots of equal schemas are deep-equal.
 * Columns are compared by name; their order is the separate `columnOrder`,
 * which diffSnapshots ignores unless asked (a down that re-adds a dropped
 * column can only append it on PostgreSQL and MariaDB).
 */
export interface Snapshot {
  dialect: Dialect
  tables: Table[]
  views: View[]
  /** PostgreSQL enums, domains and composite types; empty elsewhere (MariaDB enums are column types). */
  types: TypeDef[]
  /** PostgreSQL sequences; empty elsewhere. */
  sequences: Sequence[]
  triggers: Trigger[]
  /** Functions and procedures (PostgreSQL, MariaDB); empty on SQLite. */
  routines: Routine[]
}

export interface Table {
  name: string
  /** Sorted by name. */
  columns: Column[]
  /** Column names in the table's order (gaps left by dropped columns do not count). */
  columnOrder: string[]
  primaryKey: PrimaryKey | null
  /** Indexes that back no primary key or unique constraint (MariaDB: every index but PRIMARY). */
  indexes: Index[]
  foreignKeys: ForeignKey[]
  checks: Check[]
  /** Unique constraints (PostgreSQL, SQLite); MariaDB has only unique indexes. */
  uniques: Unique[]
}

export interface Column {
  name: string
  type: string
  nullable: boolean
  /** The default expression as the catalog writes it, null for none. */
  default: string | null
  /** Identity, generated or auto_increment / on-update clauses; null for none. */
  extra: string | null
}

export interface PrimaryKey {
  /** Null on SQLite, where a primary key has no name. */
  name: string | null
  columns: string[]
}

export interface Index {
  name: string
  /** Column names, or normalised expressions. */
  columns: string[]
  unique: boolean
  /** btree, gin, hash, … (SQLite: null). */
  method: string | null
  /** A partial index's WHERE, normalised. */
  predicate: string | null
}

export interface ForeignKey {
  /** SQLite keeps no name: `<table>_<columns>_fkey`, so a key is still told apart by what it covers. */
  name: string
  columns: string[]
  refTable: string
  refColumns: string[]
  onDelete: string
  onUpdate: string
}

export interface Check {
  name: string
  expression: string
}

export interface Unique {
  name: string
  columns: string[]
}

export interface View {
  name: string
  materialized: boolean
  definition: string
}

export interface TypeDef {
  name: string
  kind: 'enum' | 'domain' | 'composite'
  /** Enum labels in order; a domain's base type, nullability, default and checks; a composite's `attribute type` list. */
  definition: string[]
}

export interface Sequence {
  name: string
  type: string
  /** `table.column` of an owning column (serial, identity), null for a free sequence. */
  ownedBy: string | null
}

export interface Trigger {
  name: string
  table: string
  definition: string
}

export interface Routine {
  /** PostgreSQL: with its argument types, `touch()`, as overloads differ by them. */
  name: string
  kind: 'function' | 'procedure'
  definition: string
}

export interface SnapshotOptions {
  /**
   * Tables left out (with their indexes, keys and owned sequences): the tools'
   * ledgers, which verify does not compare. mig's own tables are always left out.
   */
  exclude?: readonly string[]
  /** PostgreSQL: the schema to read; the connection's current schema by default. */
  schema?: string
  /**
   * A snapshot taken earlier on the same connection with the same options:
   * what cannot have changed since is taken from it instead of read again
   * (PostgreSQL and SQLite; MariaDB reads everything). The result is the
   * same as without. Snapshots are never changed once returned, so the two
   * may share parts, or be the same object when nothing changed.
   */
  since?: Snapshot
}

/** mig's own tables: never part of a user's schema. */
export const migTables = ['mig_journal', 'mig_lock'] as const

/** Every tool's ledger and lock tables, by their default names, for callers that exclude all of them. */
export const ledgerTables = [
  'knex_migrations',
  'knex_migrations_lock',
  'SequelizeMeta',
  'migrations',
  'typeorm_metadata',
  '_prisma_migrations',
  'mig_sql_migrations',
] as const

/** The set of tables a snapshot leaves out: the caller's and mig's own. */
export const excluded = (options: SnapshotOptions = {}): Set<string> => new Set([...migTables, ...(options.exclude ?? [])])

/** Read a snapshot of the connection's current database (PostgreSQL: schema). */
export async function snapshot(db: Db, options: SnapshotOptions = {}): Promise<Snapshot> {
  return (await loadDriver(db.dialect)).snapshot(db, options)
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Sort every list of a freshly read snapshot, so equal schemas give deep-equal snapshots. */
export function sortSnapshot(s: Snapshot): Snapshot {
  for (const t of s.tables) {
    t.columns.sort(byName)
    t.indexes.sort(byName)
    t.foreignKeys.sort(byName)
    t.checks.sort(byName)
    t.uniques.sort(byName)
  }
  s.tables.sort(byName)
  s.views.sort(byName)
  s.types.sort(byName)
  s.sequences.sort(byName)
  s.routines.sort(byName)
  s.triggers.sort((a, b) => byName({ name: `${a.table}.${a.name}` }, { name: `${b.table}.${b.name}` }))
  return s
}

/**
 * Expression text as one canonical string: runs of whitespace become one
 * space (none next to brackets and commas), identifier quotes go, keywords and
 * identifiers are lowercased, and redundant outer brackets are dropped. String
 * literals are kept exactly. Tools rewrite expressions (knex rebuilding a
 * SQLite table re-spaces its CHECKs); this makes equal ones compare equal.
 */
export function normaliseExpression(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === "'") {
      let j = i + 1
      while (j < text.length && !(text[j] === "'" && text[j + 1] !== "'")) j += text[j] === "'" ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c
      const j = text.indexOf(close, i + 1)
      const name = text.slice(i + 1, j < 0 ? text.length : j)
      // Quotes go from plain names, whatever their case (equal on SQLite and MariaDB, rare to differ only by case on PostgreSQL); a name with spaces keeps them.
      out += /^[a-z_][a-z0-9_]*$/i.test(name) ? name.toLowerCase() : `"${name}"`
      i = j < 0 ? text.length : j + 1
    } else if (/\s/.test(c)) {
      while (i < text.length && /\s/.test(text[i]!)) i++
      out += ' '
    } else {
      out += c.toLowerCase()
      i++
    }
  }
  // Literals (the odd parts of the split) keep their spaces.
  out = out
    .split(/('(?:[^']|'')*')/)
    .map((part, n) =>
      n % 2
        ? part
        : part
            .replace(/\( /g, '(')
            .replace(/ \)/g, ')')
            .replace(/ ?, ?/g, ',')
            .replace(/(\w) \(/g, '$1('),
    )
    .join('')
    .trim()
    .replace(/;$/, '')
  while (out.startsWith('(') && closingOf(out, 0) === out.length - 1) out = out.slice(1, -1).trim()
  return out
}

/** Index of the bracket closing the one at `open`, skipping string literals; -1 when unbalanced. */
export function closingOf(text: string, open: number): number {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const c = text[i]
    if (c === "'") {
      i = text.indexOf("'", i + 1)
      if (i < 0) return -1
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

/** Split at top-level commas (not inside brackets or quotes). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === quote) quote = null
    } else if (c === "'" || c === '"' || c === '`') quote = c
    else if (c === '[') quote = ']'
    else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(text.slice(start).trim())
  return parts.filter(Boolean)
}

export { diffSnapshots, describeDiff } from './snapshot-diff.js'
export type { SnapshotDiff, DiffWords, DiffOptions } from './snapshot-diff.js'

/** True when the two snapshots describe the same schema (column order aside unless asked). */
export const sameSchema = (a: Snapshot, b: Snapshot, options: { columnOrder?: boolean } = {}): boolean =>
  options.columnOrder ? isDeepStrictEqual(a, b) : isDeepStrictEqual(withoutOrder(a), withoutOrder(b))

const withoutOrder = (s: Snapshot): Snapshot => ({ ...s, tables: s.tables.map((t) => ({ ...t, columnOrder: [] })) })
