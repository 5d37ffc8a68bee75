import { createRequire } from 'node:module'
import type { Op } from '../types.js'
import type { Parsed } from './index.js'

/*
 * node-sql-parser's AST for MySQL/MariaDB and SQLite. Its mysql grammar is
 * used for MariaDB too: its mariadb grammar refuses `ADD CONSTRAINT … FOREIGN
 * KEY` and `ADD UNIQUE`, which MariaDB accepts.
 */
type Node = Record<string, unknown> & { type?: string; keyword?: string }
interface ParserLike {
  astify(sql: string): Node | Node[]
}

export type SqlFlavour = 'mysql' | 'sqlite'
const parsers = new Map<SqlFlavour, ParserLike>()

/**
 * One grammar per dialect, loaded on first use only. Through require: the
 * builds are CommonJS, and importing them costs several times more (Node
 * scans the 200-280 kB file for its exports first).
 */
export async function loadNodeSql(flavour: SqlFlavour): Promise<void> {
  if (parsers.has(flavour)) return
  const mod = createRequire(import.meta.url)(`node-sql-parser/build/${flavour}.js`) as { Parser: new () => ParserLike }
  parsers.set(flavour, new mod.Parser())
}

export function parseNodeSql(sql: string, flavour: SqlFlavour): Parsed {
  const ast = parsers.get(flavour)!.astify(sql)
  const ops: Op[] = []
  let ddl = false
  for (const node of [ast].flat()) {
    ddl ||= ['create', 'alter', 'drop', 'rename', 'truncate'].includes(node.type ?? '')
    ops.push(...statementOps(node))
  }
  return { ops, ddl }
}

/** A table or column name wherever the AST keeps it: a string, `{ table }`, `{ column }`, `{ expr: { value } }`. */
function ident(x: unknown): string {
  if (typeof x === 'string') return x
  if (!x || typeof x !== 'object') return ''
  const o = x as Record<string, unknown>
  if (typeof o.table === 'string') return o.table
  if (o.column !== undefined) return ident(o.column)
  if (o.expr !== undefined) return ident(o.expr)
  if (typeof o.value === 'string') return o.value
  if (typeof o.name === 'string') return o.name
  return ''
}

const first = (x: unknown): unknown => (Array.isArray(x) ? x[0] : x)

function statementOps(s: Node): Op[] {
  const table = ident(first(s.table))
  switch (s.type) {
    case 'create':
      if (s.keyword === 'table') return [{ kind: 'create-table', table }]
      if (s.keyword === 'index') {
        const index = ident(s.index)
        return [{ kind: 'create-index', table, ...(index ? { index } : {}), concurrently: false, unique: s.index_type === 'unique' }]
      }
      return []
    case 'alter':
      return ((s.expr as Node[]) ?? []).flatMap((e) => alterOps(table, e))
    case 'rename':
      return ((s.table as unknown[][]) ?? []).map(([from, to]) => ({ kind: 'rename-table', from: ident(from), to: ident(to) }))
    case 'drop': {
      const names = [s.name].flat().map(ident)
      if (s.keyword === 'table') return [{ kind: 'drop-table', tables: names }]
      if (s.keyword === 'index') return [{ kind: 'drop-index', indexes: names, concurrently: false }]
      return []
    }
    case 'update':
    case 'delete':
      return [{ kind: s.type, table, where: s.where !== null && s.where !== undefined }]
    case 'insert': {
      const values = s.values as Node | undefined
      const from = values?.type === 'select' ? [(values.from as unknown[]) ?? []].flat().map(ident).filter(Boolean) : []
      return from.length ? [{ kind: 'insert-select', table, from }] : []
    }
    default:
      return []
  }
}

function alterOps(table: string, e: Node): Op[] {
  const action = e.action as string
  const resource = e.resource as string
  if (action === 'add' && resource === 'column') return [addColumn(table, e)]
  if (action === 'add' && resource === 'constraint') return [addConstraint(table, e.create_definitions as Node)]
  if (action === 'drop' && resource === 'column') return [{ kind: 'drop-column', table, column: ident(e.column) }]
  if (action === 'rename' && resource === 'table') return [{ kind: 'rename-table', from: table, to: ident(e.table) }]
  if (action === 'rename' && resource === 'column')
    return [{ kind: 'rename-column', table, from: ident(e.old_column), to: ident(e.column) }]
  if (action === 'modify') return [{ kind: 'change-type', table, column: ident(e.column) }]
  if (action === 'change') {
    const from = ident(e.old_column)
    const to = ident(e.column)
    const ops: Op[] = [{ kind: 'change-type', table, column: from }]
    if (from.toLowerCase() !== to.toLowerCase()) ops.push({ kind: 'rename-column', table, from, to })
    return ops
  }
  return []
}

function addColumn(table: string, e: Node): Op {
  const nullable = (e.nullable as { type?: string } | null | undefined)?.type
  const autoIncrement = JSON.stringify(e).toLowerCase().includes('auto_increment')
  return {
    kind: 'add-column',
    table,
    column: ident(e.column),
    notNull: nullable === 'not null' || e.primary_key !== undefined,
    hasDefault: (e.default_val !== undefined && e.default_val !== null) || autoIncrement,
    ...(e.reference_definition ? { references: true } : {}),
  }
}

const constraintKinds: Record<string, 'foreign-key' | 'check' | 'unique' | 'primary-key'> = {
  'foreign key': 'foreign-key',
  check: 'check',
  unique: 'unique',
  'unique key': 'unique',
  'unique index': 'unique',
  'primary key': 'primary-key',
}

const addConstraint = (table: string, def: Node | undefined): Op => ({
  kind: 'add-constraint',
  table,
  constraint: constraintKinds[String(def?.constraint_type ?? '').toLowerCase()] ?? 'other',
  notValid: false,
  usingIndex: false,
})
