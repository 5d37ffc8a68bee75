import type { Op } from '../types.js'
import type { Parsed } from './index.js'

/* The AST is libpg-query's JSON (PostgreSQL's own parse tree); only the few node kinds lint reads are typed here. */
type Node = Record<string, unknown>
interface RangeVar {
  relname: string
  schemaname?: string
}
interface Constraint {
  contype: string
  skip_validation?: boolean
  indexname?: string
  raw_expr?: Node
}
interface ColumnDef {
  colname: string
  typeName?: { names?: { String?: { sval: string } }[] }
  constraints?: { Constraint: Constraint }[]
}

/**
 * Functions whose value differs per row: a column default calling one makes
 * PostgreSQL fill every existing row, rewriting the table (even on 11+, where
 * a constant default is free).
 */
const volatile = new Set([
  'random',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'nextval',
])
const serialTypes = new Set(['serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'serial2'])

type PgModule = typeof import('libpg-query')
let pg: PgModule | undefined

/** libpg-query's WASM build of PostgreSQL's parser, loaded on first use only (see README: ~75 ms). */
export async function loadPostgres(): Promise<void> {
  if (pg) return
  const mod = await import('libpg-query')
  await mod.loadModule()
  pg = mod
}

export function parsePostgres(sql: string): Parsed {
  const tree = pg!.parseSync(sql) as { stmts?: { stmt: Node }[] }
  const ops: Op[] = []
  let ddl = false
  for (const { stmt } of tree.stmts ?? []) {
    const [type, body] = Object.entries(stmt)[0] as [string, Node]
    ddl ||= /^(Create|Alter|Drop|Rename|Index|Truncate|Comment)/.test(type)
    ops.push(...statementOps(type, body))
  }
  return { ops, ddl }
}

const name = (r: RangeVar): string => r.relname

function statementOps(type: string, s: Node): Op[] {
  switch (type) {
    case 'CreateStmt':
      return [{ kind: 'create-table', table: name(s.relation as RangeVar) }]
    case 'CreateTableAsStmt':
      return [{ kind: 'create-table', table: name((s.into as { rel: RangeVar }).rel) }]
    case 'IndexStmt':
      return [
        {
          kind: 'create-index',
          table: name(s.relation as RangeVar),
          ...(s.idxname ? { index: s.idxname as string } : {}),
          concurrently: s.concurrent === true,
          unique: s.unique === true,
        },
      ]
    case 'DropStmt':
      return dropOps(s)
    case 'AlterTableStmt':
      return s.objtype === 'OBJECT_TABLE'
        ? ((s.cmds as { AlterTableCmd: Node }[]) ?? []).flatMap((c) => alterOps(name(s.relation as RangeVar), c.AlterTableCmd))
        : []
    case 'RenameStmt':
      return renameOps(s)
    case 'UpdateStmt':
    case 'DeleteStmt':
      return [
        { kind: type === 'UpdateStmt' ? 'update' : 'delete', table: name(s.relation as RangeVar), where: s.whereClause !== undefined },
      ]
    case 'InsertStmt':
      return insertOps(s)
    default:
      return []
  }
}

function dropOps(s: Node): Op[] {
  const names = ((s.objects as { List?: { items: { String: { sval: string } }[] } }[]) ?? []).map(
    (o) => o.List?.items.at(-1)?.String.sval ?? '',
  )
  if (s.removeType === 'OBJECT_INDEX') return [{ kind: 'drop-index', indexes: names, concurrently: s.concurrent === true }]
  if (s.removeType === 'OBJECT_TABLE') return [{ kind: 'drop-table', tables: names }]
  return []
}

function renameOps(s: Node): Op[] {
  const table = s.relation ? name(s.relation as RangeVar) : ''
  if (s.renameType === 'OBJECT_TABLE') return [{ kind: 'rename-table', from: table, to: s.newname as string }]
  if (s.renameType === 'OBJECT_COLUMN') return [{ kind: 'rename-column', table, from: s.subname as string, to: s.newname as string }]
  return []
}

function insertOps(s: Node): Op[] {
  const select = (s.selectStmt as { SelectStmt?: { fromClause?: { RangeVar?: RangeVar }[] } } | undefined)?.SelectStmt
  const from = (select?.fromClause ?? []).flatMap((f) => (f.RangeVar ? [name(f.RangeVar)] : []))
  return from.length ? [{ kind: 'insert-select', table: name(s.relation as RangeVar), from }] : []
}

function alterOps(table: string, cmd: Node): Op[] {
  const column = cmd.name as string
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return addColumnOps(table, (cmd.def as { ColumnDef: ColumnDef }).ColumnDef)
    case 'AT_SetNotNull':
      return [{ kind: 'set-not-null', table, column }]
    case 'AT_AlterColumnType':
      return [{ kind: 'change-type', table, column }]
    case 'AT_DropColumn':
      return [{ kind: 'drop-column', table, column }]
    case 'AT_AddConstraint':
      return [constraintOp(table, (cmd.def as { Constraint: Constraint }).Constraint)]
    default:
      return []
  }
}

function addColumnOps(table: string, def: ColumnDef): Op[] {
  const constraints = (def.constraints ?? []).map((c) => c.Constraint)
  const has = (t: string) => constraints.some((c) => c.contype === t)
  const typeName = def.typeName?.names?.at(-1)?.String?.sval ?? ''
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr
  const volatileDefault = serialTypes.has(typeName) ? typeName : defaultExpr && volatileCall(defaultExpr)
  const op: Op = {
    kind: 'add-column',
    table,
    column: def.colname,
    notNull: has('CONSTR_NOTNULL') || has('CONSTR_PRIMARY'),
    hasDefault: defaultExpr !== undefined || has('CONSTR_IDENTITY') || has('CONSTR_GENERATED') || serialTypes.has(typeName),
    ...(volatileDefault ? { volatileDefault } : {}),
    ...(has('CONSTR_FOREIGN') ? { references: true } : {}),
  }
  return [op]
}

/** The first volatile function called anywhere in a default expression (through casts and operators). */
function volatileCall(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined
  const call = (node as { FuncCall?: { funcname: { String: { sval: string } }[] } }).FuncCall
  const fn = call?.funcname.at(-1)?.String.sval
  if (fn && volatile.has(fn)) return fn
  for (const value of Object.values(node)) {
    const found = volatileCall(value)
    if (found) return found
  }
  return undefined
}

const constraintKinds: Record<string, 'foreign-key' | 'check' | 'unique' | 'primary-key'> = {
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
}

const constraintOp = (table: string, c: Constraint): Op => ({
  kind: 'add-constraint',
  table,
  constraint: constraintKinds[c.contype] ?? 'other',
  notValid: c.skip_validation === true,
  usingIndex: c.indexname !== undefined,
})
