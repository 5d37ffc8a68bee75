import { excluded, normaliseExpression, sortSnapshot } from '../snapshot.js'
import type { Snapshot, SnapshotOptions, Table, TypeDef } from '../snapshot.js'
import type { Db } from '../types.js'

/** Objects an extension owns (PostGIS's spatial_ref_sys, citext's type) are the extension's, not the schema's. */
const notExtension = (oid: string, catalog = 'pg_class'): string =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.objsubid = 0 AND e.deptype = 'e')`
const inSchema = (column: string): string => `${column} = (SELECT oid FROM ns)`
const attnames = (rel: string, nums: string): string =>
  `(SELECT json_agg(a.attname ORDER BY u.o) FROM unnest(${nums}) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = u.n)`

type Kind = 'views' | 'types' | 'sequences' | 'triggers'

/**
 * The catalogs a snapshot is written from, directly or through format_type
 * and the pg_get_*def functions. A DDL statement writes its catalog rows as
 * new row versions (a new xmin); what it updates in place are statistics and
 * flags no snapshot reads. So the count of these rows, and the rows written
 * after an earlier snapshot's moment, tell what changed since it: a row
 * gone (dropped, or replaced by an update) means a change anything may
 * depend on, and everything is read again; new rows only add objects.
 * `owner`: the relation a new row belongs to (a table whose details are read again).
 * `moves`: a new row (where it holds) may change how objects already there
 * are written (an overload, a schema, a collation, an operator: names then
 * resolve otherwise) or which are the schema's: everything is read again.
 * `kinds`: the lists a new row (where it holds) adds to, read again.
 * `name`: name and schema columns; a new relation or type that shares its
 * name with one in another schema may change how references to either are
 * written (which one a name finds), so nothing is reused.
 * Not watched: roles (a `regrole` constant in a default would keep a
 * renamed role's old name).
 */
const watched: {
  catalog: string
  owner?: string
  name?: [string, string]
  moves?: string
  kinds?: Partial<Record<Kind, string>>
  /** What the conditions read. */
  columns?: string[]
  /** The rows a snapshot can depend on (the others are not counted). */
  where?: string
}[] = [
  { catalog: 'pg_class', owner: 'oid', name: ['relname', 'relnamespace'], kinds: { views: "relkind IN ('v', 'm')" }, columns: ['relkind'] },
  // System columns (ctid, xmin, …) come and go with their relation.
  { catalog: 'pg_attribute', owner: 'attrelid', where: 'attnum > 0' },
  { catalog: 'pg_attrdef', owner: 'adrelid' },
  { catalog: 'pg_constraint', owner: 'conrelid', kinds: { types: 'contypid <> 0' }, columns: ['contypid'] },
  { catalog: 'pg_index', owner: 'indrelid' },
  {
    catalog: 'pg_type',
    name: ['typname', 'typnamespace'],
    kinds: {
      types: "typtype IN ('e', 'd') OR (typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = typrelid AND r.relkind = 'c'))",
    },
    columns: ['typtype', 'typrelid'],
  },
  { catalog: 'pg_enum', kinds: { types: 'true' } },
  { catalog: 'pg_sequence', kinds: { sequences: 'true' } },
  {
    catalog: 'pg_depend',
    moves: "deptype = 'e'",
    kinds: { sequences: "classid = 'pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_sequence s WHERE s.seqrelid = objid)" },
    columns: ['deptype', 'classid', 'objid'],
    // Read only for extension members and sequence owners.
    where: "deptype = 'e' OR deptype IN ('a', 'i') AND classid = 'pg_class'::regclass AND refclassid = 'pg_class'::regclass",
  },
  { catalog: 'pg_trigger', kinds: { triggers: 'true' } },
  { catalog: 'pg_rewrite', kinds: { views: 'true' } },
  { catalog: 'pg_language' },
  { catalog: 'pg_namespace', moves: 'true' },
  { catalog: 'pg_proc', moves: 'true' },
  { catalog: 'pg_operator', moves: 'true' },
  { catalog: 'pg_collation', moves: 'true' },
  { catalog: 'pg_opclass', moves: 'true' },
  { catalog: 'pg_am', moves: 'true' },
  { catalog: 'pg_ts_config', moves: 'true' },
  { catalog: 'pg_ts_dict', moves: 'true' },
]
const kinds: Kind[] = ['views', 'types', 'sequences', 'triggers']

/**
 * Written after the earlier snapshot: by a transaction that had not ended by
 * then (its id at or past that snapshot's xmax, or in its list of running
 * ones). `horizon`, the oldest of those, spares the list look-up for the
 * many rows older than it. With no earlier snapshot both are -1: nothing is new.
 * A subtransaction's id is not in that list, so a snapshot taken while
 * another session of the database held a transaction id (`busy`) is never
 * one to read changes since.
 */
const fresh = (alias: string): string =>
  `(age(${alias}.xmin) <= p.horizon AND (age(${alias}.xmin) <= p.since OR ${alias}.xmin = ANY(p.xip)))`

/**
 * One row per watched catalog: its rows, those new since, the relations they
 * belong to, and what they move or add to. OFFSET 0 keeps `f` a column
 * computed once a row, not an expression copied into each aggregate.
 */
const watchRow = (w: (typeof watched)[number]): string => {
  const any = (condition: string | undefined) => (condition ? `COALESCE(bool_or(${condition}) FILTER (WHERE f), false)` : 'false')
  const columns = [...(w.owner ? [`c.${w.owner} AS o`] : []), ...[...(w.name ?? []), ...(w.columns ?? [])].map((column) => `c.${column}`)]
  return (
    [
      `  SELECT '${w.catalog}' AS catalog, count(*) AS n, count(*) FILTER (WHERE f) AS added`,
      w.owner ? 'array_agg(o) FILTER (WHERE f) AS owners' : 'NULL::oid[] AS owners',
      w.name
        ? `array_agg(${w.name[0]}::text) FILTER (WHERE f) AS names, array_agg(${w.name[1]}) FILTER (WHERE f) AS spaces`
        : 'NULL::text[] AS names, NULL::oid[] AS spaces',
      `${any(w.moves)} AS moves`,
      ...kinds.map((k) => `${any(w.kinds?.[k])} AS ${k}`),
    ].join(', ') +
    `\n    FROM (SELECT ${[...columns, `${fresh('c')} AS f`].join(', ')} FROM prev p, ${w.catalog} c${w.where ? ` WHERE ${w.where}` : ''} OFFSET 0) x`
  )
}

const TABLE = (alias: string) =>
  `${inSchema(`${alias}.relnamespace`)} AND ${alias}.relkind IN ('r', 'p') AND NOT ${alias}.relispartition AND ${notExtension(`${alias}.oid`)} AND ${alias}.relname <> ALL((SELECT skip FROM prev)::text[])`

/**
 * The catalog in one round trip: one SELECT whose columns are JSON arrays,
 * one per kind of object, each aggregated over the schema at once.
 * Given an earlier snapshot's moment and tables (`prev`), when every change
 * since only added objects that cannot change how the others are written
 * (`additive`), it reads only the new tables, the tables a new row belongs
 * to, and the lists new rows add to; the rest is the earlier snapshot's.
 * A list not read is NULL, one read and empty is [].
 */
const CATALOG = `WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = COALESCE(?::text, current_schema())),
prev AS (SELECT COALESCE(age(?::xid), -1) AS since, COALESCE(age(?::xid), -1) AS horizon, COALESCE(?::xid[], '{}') AS xip, ?::bigint AS rows, ?::oid[] AS known, ?::text[] AS skip),
watch AS (
${watched.map(watchRow).join('\n  UNION ALL\n')}),
verdict AS (
  SELECT sum(n) AS rows, sum(added) AS added,
    COALESCE((SELECT since FROM prev) >= 0 AND sum(n) - sum(added) = (SELECT rows FROM prev) AND NOT bool_or(moves)
      AND NOT EXISTS (SELECT 1 FROM watch w, unnest(w.names, w.spaces) n(name, space)
        WHERE w.catalog = 'pg_class' AND EXISTS (SELECT 1 FROM pg_class o WHERE o.relname = n.name AND o.relnamespace <> n.space)
          OR w.catalog = 'pg_type' AND EXISTS (SELECT 1 FROM pg_type o WHERE o.typname = n.name AND o.typnamespace <> n.space)), false) AS additive,
    (SELECT array_agg(o) FROM watch w, unnest(w.owners) o) AS written,
    ${kinds.map((k) => `bool_or(${k}) AS ${k}`).join(', ')}
  FROM watch),
tables AS (
  SELECT c.oid, c.relname FROM pg_class c WHERE NOT (SELECT additive FROM verdict) AND ${TABLE('c')}
  UNION ALL
  SELECT c.oid, c.relname FROM prev p, pg_class c WHERE (SELECT additive FROM verdict) AND ${fresh('c')} AND ${TABLE('c')}),
todo AS (
  SELECT array_agg(oid) AS oids FROM (
    SELECT oid FROM tables
    UNION SELECT o FROM prev p, unnest((SELECT written FROM verdict)) o WHERE (SELECT additive FROM verdict) AND o = ANY(p.known)) t),
reread AS (SELECT ${kinds.map((k) => `NOT additive OR ${k} AS ${k}`).join(', ')}, NOT additive AS routines FROM verdict)
SELECT
(SELECT rows FROM verdict) AS rows,
(SELECT additive FROM verdict) AS additive,
(SELECT added FROM verdict) AS added,
(SELECT xid(pg_snapshot_xmax(pg_current_snapshot()))::text) AS xmax,
(SELECT json_agg(xid(x)::text) FROM pg_snapshot_xip(pg_current_snapshot()) x) AS xip,
EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL)
  OR EXISTS (SELECT 1 FROM pg_prepared_xacts WHERE database = current_database()) AS busy,
(SELECT COALESCE(json_agg(json_build_array(t.oid::int8, t.relname)), '[]') FROM tables t) AS tables,
(SELECT COALESCE(to_json(oids::int8[]), '[]') FROM todo) AS todo,
(SELECT json_agg(json_build_object('table', a.attrelid::int8, 'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
    'default', pg_get_expr(d.adbin, d.adrelid), 'num', a.attnum, 'identity', a.attidentity, 'generated', a.attgenerated))
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = ANY((SELECT oids FROM todo)::oid[]) AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
(SELECT json_agg(json_build_object('table', k.conrelid::int8, 'name', k.conname, 'type', k.contype, 'def', CASE WHEN k.contype IN ('c', 'x') THEN pg_get_constraintdef(k.oid, true) END,
    'columns', k.conkey, 'refTable', r.relname, 'refColumns', CASE WHEN k.contype = 'f' THEN ${attnames('k.confrelid', 'k.confkey')} END,
    'onDelete', k.confdeltype, 'onUpdate', k.confupdtype))
  FROM pg_constraint k LEFT JOIN pg_class r ON r.oid = k.confrelid
  WHERE k.conrelid = ANY((SELECT oids FROM todo)::oid[]) AND k.contype IN ('p', 'u', 'f', 'c', 'x') AND k.conparentid = 0) AS constraints,
(SELECT json_agg(json_build_object('table', x.indrelid::int8, 'name', i.relname, 'unique', x.indisunique, 'method', am.amname,
    'predicate', pg_get_expr(x.indpred, x.indrelid, true),
    'columns', (SELECT json_agg(CASE WHEN x.indkey[n - 1] <> 0 THEN quote_ident(a.attname) ELSE pg_get_indexdef(x.indexrelid, n, true) END
        || CASE WHEN x.indoption[n - 1] & 1 = 1 THEN ' DESC' ELSE '' END ORDER BY n)
      FROM generate_series(1, x.indnkeyatts) n LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[n - 1]),
    'constraint', EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = x.indrelid AND k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))))
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
  WHERE x.indrelid = ANY((SELECT oids FROM todo)::oid[])) AS indexes,
CASE WHEN (SELECT views FROM reread) THEN (SELECT COALESCE(json_agg(json_build_object('name', c.relname, 'materialized', c.relkind = 'm', 'def', pg_get_viewdef(c.oid, true))), '[]')
  FROM pg_class c WHERE ${inSchema('c.relnamespace')} AND c.relkind IN ('v', 'm') AND ${notExtension('c.oid')}) END AS views,
CASE WHEN (SELECT types FROM reread) THEN (SELECT COALESCE(json_agg(json_build_object('name', t.typname, 'kind', t.typtype,
    'labels', (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
    'base', format_type(t.typbasetype, t.typtypmod), 'notnull', t.typnotnull, 'default', t.typdefault,
    'checks', (SELECT json_agg(pg_get_constraintdef(k.oid, true) ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid),
    'attrs', (SELECT json_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
      FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped))), '[]')
  FROM pg_type t
  WHERE ${inSchema('t.typnamespace')} AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')))
    AND ${notExtension('t.oid', 'pg_type')}) END AS types,
CASE WHEN (SELECT sequences FROM reread) THEN (SELECT COALESCE(json_agg(json_build_object('name', c.relname, 'type', format_type(s.seqtypid, NULL), 'table', dt.relname, 'column', da.attname)), '[]')
  FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid
  LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  LEFT JOIN pg_class dt ON dt.oid = d.refobjid LEFT JOIN pg_attribute da ON da.attrelid = d.refobjid AND da.attnum = d.refobjsubid
  WHERE ${inSchema('c.relnamespace')} AND ${notExtension('c.oid')}) END AS sequences,
CASE WHEN (SELECT triggers FROM reread) THEN (SELECT COALESCE(json_agg(json_build_object('table', c.relname, 'name', g.tgname, 'def', pg_get_triggerdef(g.oid, true))), '[]')
  FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE ${inSchema('c.relnamespace')} AND NOT g.tgisinternal) END AS triggers,
CASE WHEN (SELECT routines FROM reread) THEN (SELECT COALESCE(json_agg(json_build_object('name', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', 'kind', p.prokind, 'def', pg_get_functiondef(p.oid))), '[]')
  FROM pg_proc p WHERE ${inSchema('p.pronamespace')} AND p.prokind IN ('f', 'p') AND ${notExtension('p.oid', 'pg_proc')}) END AS routines`

interface Catalog {
  /** Rows in the watched catalogs (bigint, as text). */
  rows: string
  /** Only the changes since `prev` were read. */
  additive: boolean
  /** Rows written since `prev` (bigint, as text). */
  added: string
  xmax: string
  xip: string[] | null
  busy: boolean
  /** [oid, name] of every table in the schema; when additive, of the new ones. */
  tables: [number, string][]
  /** The tables whose details were read. */
  todo: number[]
  columns:
    | {
        table: number
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
        table: number
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
    | { table: number; name: string; unique: boolean; method: string; predicate: string | null; columns: string[]; constraint: boolean }[]
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

/**
 * What a snapshot saw, for a later one on the same connection to read only
 * what changed: the moment it was read at (its MVCC snapshot), how many
 * watched rows there were, and its tables by oid. Kept beside the
 * snapshot, not in it, so equal schemas stay deep-equal.
 */
interface Seen {
  db: Db
  options: string
  rows: string
  xmax: string
  xip: string[]
  /** Another transaction of this database was writing then: rows it commits later could pass for old. */
  busy: boolean
  tables: Map<number, Table>
}

const seen = new WeakMap<Snapshot, Seen>()

/** Connections that refused a prepared statement (a pooler between): plain queries there. */
const unprepared = new WeakSet<Db>()

/** The oldest of `xmax` and the running transactions below it: ids wrap around at 2^32, so by distance back from xmax. */
const oldest = (xmax: string, running: string[]): string => {
  const back = (xid: string) => (Number(xmax) - Number(xid) + 2 ** 32) % 2 ** 32
  return running.reduce((a, b) => (back(b) > back(a) ? b : a), xmax)
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

/** The schema's catalog, read with one query (see CATALOG); with `options.since`, only what changed since it. */
export async function snapshot(db: Db, options: SnapshotOptions = {}): Promise<Snapshot> {
  const skip = excluded(options)
  const key = JSON.stringify([options.schema ?? null, [...skip].sort()])
  const since = options.since && seen.get(options.since)
  const prev = since && since.db === db && since.options === key && !since.busy ? since : undefined
  const params = [
    options.schema ?? null,
    prev?.xmax ?? null,
    prev ? oldest(prev.xmax, prev.xip) : null,
    prev?.xip ?? null,
    prev?.rows ?? null,
    prev ? [...prev.tables.keys()] : null,
    [...skip],
  ]
  const c = (await catalog(db, params))!
  const earlier = c.additive ? options.since : undefined
  // Nothing written since: the earlier snapshot is this one (and the moment it was read at still tells what changes after).
  if (earlier && c.added === '0') return earlier
  const todo = new Set(c.todo)
  const read = new Map<number, Table>()
  const tables = new Map<number, Table>()
  const table = (oid: number, name: string): Table => {
    const t: Table = { name, columns: [], columnOrder: [], primaryKey: null, indexes: [], foreignKeys: [], checks: [], uniques: [] }
    read.set(oid, t)
    return t
  }
  // Additive: the earlier tables, those with a new row read again, and the new ones.
  if (earlier && prev) for (const [oid, t] of prev.tables) tables.set(oid, todo.has(oid) ? table(oid, t.name) : t)
  for (const [oid, name] of c.tables) tables.set(oid, table(oid, name))
  const columns = [...(c.columns ?? [])].sort((a, b) => a.num - b.num)
  const names = new Map(columns.map((col) => [`${col.table}\0${col.num}`, col.name]))
  for (const col of columns) {
    const t = read.get(col.table)
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
    const t = read.get(k.table)
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
    const t = read.get(i.table)
    if (!t || i.constraint) continue
    t.indexes.push({
      name: i.name,
      columns: i.columns.map(normaliseExpression),
      unique: i.unique,
      method: i.method,
      predicate: i.predicate === null ? null : normaliseExpression(i.predicate),
    })
  }
  const result = sortSnapshot({
    dialect: 'postgres',
    tables: [...tables.values()],
    views: c.views?.map((v) => ({ name: v.name, materialized: v.materialized, definition: normaliseExpression(v.def) })) ?? earlier!.views,
    types: c.types?.map(typeDef) ?? earlier!.types,
    sequences:
      c.sequences
        ?.filter((s) => !s.table || !skip.has(s.table))
        .map((s) => ({ name: s.name, type: s.type, ownedBy: s.table ? `${s.table}.${s.column}` : null })) ?? earlier!.sequences,
    triggers:
      c.triggers
        ?.filter((g) => !skip.has(g.table))
        .map((g) => ({ name: g.name, table: g.table, definition: normaliseExpression(g.def) })) ?? earlier!.triggers,
    routines:
      c.routines?.map((r) => ({
        name: r.name,
        kind: r.kind === 'p' ? ('procedure' as const) : ('function' as const),
        definition: normaliseExpression(r.def),
      })) ?? earlier!.routines,
  })
  seen.set(result, { db, options: key, rows: c.rows, xmax: c.xmax, xip: c.xip ?? [], busy: c.busy, tables })
  return result
}

/** Prepared once per connection: planning this statement costs more than running it. */
async function catalog(db: Db, params: unknown[]): Promise<Catalog | undefined> {
  if (!unprepared.has(db)) {
    try {
      return (await db.query<Catalog>(CATALOG, params, { prepare: 'mig_snapshot' }))[0]
    } catch (error) {
      // A transaction-mode pooler hands each statement another server session, where the statement is unknown.
      if ((error as { code?: string }).code !== '26000') throw error
      unprepared.add(db)
    }
  }
  return (await db.query<Catalog>(CATALOG, params))[0]
}
