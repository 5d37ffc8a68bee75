import { excluded, normaliseExpression, sortSnapshot } from '../snapshot.js'
import type { Snapshot, SnapshotOptions, Table, TypeDef } from '../snapshot.js'
import type { Db } from '../types.js'

/** Objects an extension owns (PostGIS's spatial_ref_sys, citext's type) are the extension's, not the schema's. */
const notExtension = (oid: string, catalog = 'pg_class'): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`
const inSchema = (column: string): string => `${column} = (SELECT oid FROM ns)`
const attnames = (rel: string, nums: string): string =>
  `(SELECT json_agg(a.attname ORDER BY u.o) FROM unnest(${nums}) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.n)`

/**
 * The whole catalog in one round trip: one SELECT whose columns are JSON
 * arrays, one per kind of object, each aggregated over the schema at once.
 */
const CATALOG = `WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = COALESCE(?::text, current_schema()))
SELECT
(SELECT json_agg(c.relname) FROM pg_class c
  WHERE ${inSchema('c.relnamespace')} AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${notExtension('c.oid')}) AS tables,
(SELECT json_agg(json_build_object('table', c.relname, 'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
    'default', pg_get_expr(d.adbin, d.adrelid), 'num', a.attnum, 'identity', a.attidentity, 'generated', a.attgenerated))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE ${inSchema('c.relnamespace')} AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
(SELECT json_agg(json_build_object('table', c.relname, 'name', k.conname, 'type', k.contype, 'def', CASE WHEN k.contype IN ('c', 'x') THEN pg_get_constraintdef(k.oid, true) END,
    'columns', k.conkey, 'refTable', r.relname, 'refColumns', CASE WHEN k.contype = 'f' THEN ${attnames('k.confrelid', 'k.confkey')} END,
    'onDelete', k.confdeltype, 'onUpdate', k.confupdtype))
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class r ON r.oid = k.confrelid
  WHERE ${inSchema('c.relnamespace')} AND k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0) AS constraints,
(SELECT json_agg(json_build_object('table', t.relname, 'name', i.relname, 'unique', x.indisunique, 'method', am.amname,
    'predicate', pg_get_expr(x.indpred, x.indrelid, true),
    'columns', (SELECT json_agg(pg_get_indexdef(x.indexrelid, n, true) || CASE WHEN x.indoption[n - 1] & 1 = 1 THEN ' DESC' ELSE '' END ORDER BY n)
      FROM generate_series(1, x.indnkeyatts) n),
    'constraint', x.indexrelid IN (SELECT k.conindid FROM pg_constraint k WHERE ${inSchema('k.connamespace')} AND k.contype IN ('p', 'u', 'x'))))
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am am ON am.oid = i.relam
  WHERE ${inSchema('t.relnamespace')} AND t.relkind IN ('r', 'p', 'm')) AS indexes,
(SELECT json_agg(json_build_object('name', c.relname, 'materialized', c.relkind = 'm', 'def', pg_get_viewdef(c.oid, true)))
  FROM pg_class c WHERE ${inSchema('c.relnamespace')} AND c.relkind IN ('v', 'm') AND ${notExtension('c.oid')}) AS views,
(SELECT json_agg(json_build_object('name', t.typname, 'kind', t.typtype,
    'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
    'base', format_type(t.typbasetype, t.typtypmod), 'notnull', t.typnotnull, 'default', t.typdefault,
    'checks', (SELECT json_agg(pg_get_constraintdef(k.oid, true) ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid),
    'attrs', (SELECT json_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
      FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)))
  FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid
  WHERE ${inSchema('t.typnamespace')} AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND r.relkind = 'c')) AND ${notExtension('t.oid', 'pg_type')}) AS types,
(SELECT json_agg(json_build_object('name', c.relname, 'type', format_type(s.seqtypid, NULL), 'table', dt.relname, 'column', da.attname))
  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
  LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class dt ON dt.oid = d.refobjid LEFT JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid
  WHERE ${inSchema('c.relnamespace')} AND c.relkind = 'S' AND ${notExtension('c.oid')}) AS sequences,
(SELECT json_agg(json_build_object('table', c.relname, 'name', g.tgname, 'def', pg_get_triggerdef(g.oid, true)))
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE ${inSchema('c.relnamespace')} AND NOT g.tgisinternal) AS triggers,
(SELECT json_agg(json_build_object('name', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'kind', p.prokind, 'def', pg_get_functiondef(p.oid)))
  FROM pg_proc p WHERE ${inSchema('p.pronamespace')} AND p.prokind IN ('f', 'p') AND ${notExtension('p.oid', 'pg_proc')}) AS routines`

interface Catalog {
  tables: string[] | null
  columns:
    | {
        table: string
        name: string
        type: string
        notnull: boolean
        default: string | null
        num: number
        identity: string
        generated: string
      }[]
    | null
  constraints:
    | {
        table: string
        name: string
        type: string
        def: string | null
        columns: number[] | null
        refTable: string | null
        refColumns: string[] | null
        onDelete: string
        onUpdate: string
      }[]
    | null
  indexes:
    | { table: string; name: string; unique: boolean; method: string; predicate: string | null; columns: string[]; constraint: boolean }[]
    | null
  views: { name: string; materialized: boolean; def: string }[] | null
  types:
    | {
        name: string
        kind: string
        labels: string[] | null
        base: string
        notnull: boolean
        default: string | null
        checks: string[] | null
        attrs: string[] | null
      }[]
    | null
  sequences: { name: string; type: string; table: string | null; column: string | null }[] | null
  triggers: { table: string; name: string; def: string }[] | null
  routines: { name: string; kind: string; def: string }[] | null
}

const actions: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' }

function extra(c: NonNullable<Catalog['columns']>[number]): string | null {
  if (c.identity === 'a') return 'generated always as identity'
  if (c.identity === 'd') return 'generated by default as identity'
  if (c.generated === 's') return 'generated always stored'
  return null
}

function typeDef(t: NonNullable<Catalog['types']>[number]): TypeDef {
  if (t.kind === 'e') return { name: t.name, kind: 'enum', definition: t.labels ?? [] }
  if (t.kind === 'c') return { name: t.name, kind: 'composite', definition: t.attrs ?? [] }
  const definition = [
    t.base,
    t.notnull ? 'not null' : 'null',
    ...(t.default !== null ? [`default ${t.default}`] : []),
    ...(t.checks ?? []).map((k) => normaliseExpression(k)),
  ]
  return { name: t.name, kind: 'domain', definition }
}

/** The schema's catalog, read with one query (see CATALOG). */
export async function snapshot(db: Db, options: SnapshotOptions = {}): Promise<Snapshot> {
  const [row] = await db.query<Catalog>(CATALOG, [options.schema ?? null])
  const c = row!
  const skip = excluded(options)
  const tables = new Map<string, Table>()
  for (const name of c.tables ?? []) {
    if (!skip.has(name))
      tables.set(name, { name, columns: [], columnOrder: [], primaryKey: null, indexes: [], foreignKeys: [], checks: [], uniques: [] })
  }
  const columns = [...(c.columns ?? [])].sort((a, b) => a.num - b.num)
  const names = new Map(columns.map((col) => [`${col.table}\0${col.num}`, col.name]))
  for (const col of columns) {
    const t = tables.get(col.table)
    if (!t) continue
    t.columns.push({
      name: col.name,
      type: col.type,
      nullable: !col.notnull,
      default: col.default === null ? null : normaliseExpression(col.default),
      extra: extra(col),
    })
    t.columnOrder.push(col.name)
  }
  for (const k of c.constraints ?? []) {
    const t = tables.get(k.table)
    if (!t) continue
    // Column numbers become names here, from the columns already read: cheaper than a lookup per constraint in SQL.
    const cols = (k.columns ?? []).map((n) => names.get(`${k.table}\0${n}`) ?? String(n))
    if (k.type === 'p') t.primaryKey = { name: k.name, columns: cols }
    else if (k.type === 'u') t.uniques.push({ name: k.name, columns: cols })
    else if (k.type === 'f')
      t.foreignKeys.push({
        name: k.name,
        columns: cols,
        refTable: k.refTable ?? '',
        refColumns: k.refColumns ?? [],
        onDelete: actions[k.onDelete] ?? k.onDelete,
        onUpdate: actions[k.onUpdate] ?? k.onUpdate,
      })
    else t.checks.push({ name: k.name, expression: normaliseExpression((k.def ?? '').replace(/^CHECK\s*/i, '')) })
  }
  for (const i of c.indexes ?? []) {
    const t = tables.get(i.table)
    if (!t || i.constraint) continue
    t.indexes.push({
      name: i.name,
      columns: i.columns.map(normaliseExpression),
      unique: i.unique,
      method: i.method,
      predicate: i.predicate === null ? null : normaliseExpression(i.predicate),
    })
  }
  return sortSnapshot({
    dialect: 'postgres',
    tables: [...tables.values()],
    views: (c.views ?? []).map((v) => ({ name: v.name, materialized: v.materialized, definition: normaliseExpression(v.def) })),
    types: (c.types ?? []).map(typeDef),
    sequences: (c.sequences ?? [])
      .filter((s) => !s.table || !skip.has(s.table))
      .map((s) => ({ name: s.name, type: s.type, ownedBy: s.table ? `${s.table}.${s.column}` : null })),
    triggers: (c.triggers ?? [])
      .filter((g) => !skip.has(g.table))
      .map((g) => ({ name: g.name, table: g.table, definition: normaliseExpression(g.def) })),
    routines: (c.routines ?? []).map((r) => ({
      name: r.name,
      kind: r.kind === 'p' ? 'procedure' : 'function',
      definition: normaliseExpression(r.def),
    })),
  })
}
