import { MigError } from '../../output/errors.js'
import { excluded, normaliseExpression, sortSnapshot } from '../snapshot.js'
import type { Index, Snapshot, SnapshotOptions, Table } from '../snapshot.js'
import type { Db } from '../types.js'

const here = 'TABLE_SCHEMA = DATABASE()'

/**
 * The whole catalog in one round trip, one JSON array per kind of object.
 * MariaDB builds JSON_ARRAYAGG on GROUP_CONCAT, so its result is cut at
 * group_concat_max_len (1 MB by default): SET STATEMENT lifts the limit for
 * this query alone (MariaDB syntax; MySQL's JSON_ARRAYAGG has no such limit,
 * and falls back to the plain SELECT).
 */
const SELECT = `SELECT
(SELECT JSON_ARRAYAGG(TABLE_NAME) FROM information_schema.TABLES WHERE ${here} AND TABLE_TYPE = 'BASE TABLE') AS tables,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME, 'name', COLUMN_NAME, 'type', COLUMN_TYPE, 'nullable', IS_NULLABLE, 'default', COLUMN_DEFAULT,
    'num', ORDINAL_POSITION, 'extra', EXTRA, 'generation', GENERATION_EXPRESSION))
  FROM information_schema.COLUMNS WHERE ${here}) AS columns,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME, 'name', INDEX_NAME, 'nonUnique', NON_UNIQUE, 'seq', SEQ_IN_INDEX, 'column', COLUMN_NAME,
    'sub', SUB_PART, 'method', INDEX_TYPE, 'collation', COLLATION))
  FROM information_schema.STATISTICS WHERE ${here}) AS indexes,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('table', k.TABLE_NAME, 'name', k.CONSTRAINT_NAME, 'column', k.COLUMN_NAME, 'seq', k.ORDINAL_POSITION,
    'refTable', k.REFERENCED_TABLE_NAME, 'refColumn', k.REFERENCED_COLUMN_NAME, 'onDelete', r.DELETE_RULE, 'onUpdate', r.UPDATE_RULE))
  FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
    ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
  WHERE k.${here}) AS foreignKeys,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('table', TABLE_NAME, 'name', CONSTRAINT_NAME, 'clause', CHECK_CLAUSE))
  FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()) AS checks,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('name', TABLE_NAME, 'def', VIEW_DEFINITION)) FROM information_schema.VIEWS WHERE ${here}) AS views,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('table', EVENT_OBJECT_TABLE, 'name', TRIGGER_NAME, 'timing', ACTION_TIMING, 'event', EVENT_MANIPULATION, 'body', ACTION_STATEMENT))
  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()) AS triggers,
(SELECT JSON_ARRAYAGG(JSON_OBJECT('name', ROUTINE_NAME, 'kind', ROUTINE_TYPE, 'returns', DTD_IDENTIFIER, 'body', ROUTINE_DEFINITION,
    'params', (SELECT GROUP_CONCAT(CONCAT_WS(' ', p.PARAMETER_MODE, p.PARAMETER_NAME, p.DTD_IDENTIFIER) ORDER BY p.ORDINAL_POSITION SEPARATOR ', ')
      FROM information_schema.PARAMETERS p WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.ORDINAL_POSITION > 0)))
  FROM information_schema.ROUTINES r WHERE ROUTINE_SCHEMA = DATABASE()) AS routines,
DATABASE() AS db`

interface Catalog {
  tables: string[] | null
  columns:
    | {
        table: string
        name: string
        type: string
        nullable: string
        default: string | null
        num: number
        extra: string
        generation: string | null
      }[]
    | null
  indexes:
    | {
        table: string
        name: string
        nonUnique: number
        seq: number
        column: string | null
        sub: number | null
        method: string
        collation: string | null
      }[]
    | null
  foreignKeys:
    | {
        table: string
        name: string
        column: string
        seq: number
        refTable: string
        refColumn: string
        onDelete: string
        onUpdate: string
      }[]
    | null
  checks: { table: string; name: string; clause: string }[] | null
  views: { name: string; def: string }[] | null
  triggers: { table: string; name: string; timing: string; event: string; body: string }[] | null
  routines: { name: string; kind: string; returns: string | null; body: string; params: string | null }[] | null
  db: string
}

/** Whether the server takes SET STATEMENT (MariaDB); learnt from the first snapshot. */
let setStatement = true

async function readCatalog(db: Db): Promise<Catalog> {
  let rows: Record<string, unknown>[]
  try {
    rows = await db.query(setStatement ? `SET STATEMENT group_concat_max_len = 4294967295 FOR ${SELECT}` : SELECT)
  } catch (error) {
    if (!setStatement || (error as { code?: string }).code !== 'ER_PARSE_ERROR') throw error
    setStatement = false
    rows = await db.query(SELECT)
  }
  const row = rows[0] ?? {}
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    try {
      out[key] = typeof value === 'string' && key !== 'db' ? JSON.parse(value) : value
    } catch (error) {
      throw new MigError(
        'SNAPSHOT_TRUNCATED',
        `the catalog of ${db.target.display} came back cut short (${key})`,
        'raise group_concat_max_len on the server',
        { cause: error },
      )
    }
  }
  return out as unknown as Catalog
}

const dropped = (def: string | null): string | null => (def === null || def === 'NULL' ? null : def)

function indexesOf(c: Catalog, tables: Map<string, Table>): void {
  const found = new Map<string, Index & { table: string; parts: { seq: number; text: string }[] }>()
  for (const i of c.indexes ?? []) {
    if (!tables.has(i.table)) continue
    const key = `${i.table}\0${i.name}`
    let index = found.get(key)
    if (!index) {
      index = {
        table: i.table,
        name: i.name,
        columns: [],
        unique: Number(i.nonUnique) === 0,
        method: i.method.toLowerCase(),
        predicate: null,
        parts: [],
      }
      found.set(key, index)
    }
    index.parts.push({ seq: i.seq, text: `${i.column ?? '?'}${i.sub ? `(${i.sub})` : ''}${i.collation === 'D' ? ' desc' : ''}` })
  }
  for (const { table, parts, ...index } of found.values()) {
    const columns = parts.sort((a, b) => a.seq - b.seq).map((p) => p.text)
    const t = tables.get(table)!
    if (index.name === 'PRIMARY') t.primaryKey = { name: 'PRIMARY', columns }
    else t.indexes.push({ ...index, columns })
  }
}

function foreignKeysOf(c: Catalog, tables: Map<string, Table>): void {
  const found = new Map<string, { table: string; name: string; parts: NonNullable<Catalog['foreignKeys']> }>()
  for (const f of c.foreignKeys ?? []) {
    if (!tables.has(f.table)) continue
    const key = `${f.table}\0${f.name}`
    if (!found.has(key)) found.set(key, { table: f.table, name: f.name, parts: [] })
    found.get(key)!.parts.push(f)
  }
  for (const { table, name, parts } of found.values()) {
    parts.sort((a, b) => a.seq - b.seq)
    const first = parts[0]!
    tables.get(table)!.foreignKeys.push({
      name,
      columns: parts.map((p) => p.column),
      refTable: first.refTable,
      refColumns: parts.map((p) => p.refColumn),
      onDelete: first.onDelete.toLowerCase(),
      onUpdate: first.onUpdate.toLowerCase(),
    })
  }
}

/** The current database's catalog, read with one query (see SELECT). */
export async function snapshot(db: Db, options: SnapshotOptions = {}): Promise<Snapshot> {
  const c = await readCatalog(db)
  const skip = excluded(options)
  const tables = new Map<string, Table>()
  for (const name of c.tables ?? []) {
    if (!skip.has(name))
      tables.set(name, { name, columns: [], columnOrder: [], primaryKey: null, indexes: [], foreignKeys: [], checks: [], uniques: [] })
  }
  for (const col of [...(c.columns ?? [])].sort((a, b) => a.num - b.num)) {
    const t = tables.get(col.table)
    if (!t) continue
    const extra = [col.extra.toLowerCase(), col.generation ? normaliseExpression(col.generation) : ''].filter(Boolean).join(' ')
    t.columns.push({
      name: col.name,
      type: col.type,
      nullable: col.nullable === 'YES',
      default: dropped(col.default),
      extra: extra || null,
    })
    t.columnOrder.push(col.name)
  }
  indexesOf(c, tables)
  foreignKeysOf(c, tables)
  for (const k of c.checks ?? []) tables.get(k.table)?.checks.push({ name: k.name, expression: normaliseExpression(k.clause) })
  // The server writes views' table references with the database's name: a copy elsewhere must compare equal.
  const local = (text: string): string => normaliseExpression(text.split(`\`${c.db}\`.`).join(''))
  return sortSnapshot({
    dialect: 'mysql',
    tables: [...tables.values()],
    views: (c.views ?? []).map((v) => ({ name: v.name, materialized: false, definition: local(v.def) })),
    types: [],
    sequences: [],
    triggers: (c.triggers ?? [])
      .filter((g) => !skip.has(g.table))
      .map((g) => ({ name: g.name, table: g.table, definition: local(`${g.timing} ${g.event} ${g.body}`) })),
    routines: (c.routines ?? []).map((r) => ({
      name: r.name,
      kind: r.kind === 'PROCEDURE' ? 'procedure' : 'function',
      definition: local(`(${r.params ?? ''})${r.returns ? ` returns ${r.returns}` : ''} ${r.body}`),
    })),
  })
}
