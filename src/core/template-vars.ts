import type { Dialect } from '../db/types.js'
import { usageError } from '../output/errors.js'

/** What `mig make` takes for a template: one flag each (`fromType` is `--from-type`). */
export interface MakeOptions {
  table?: string
  column?: string
  /** Comma-separated; defaults to `column`. */
  columns?: string
  /** A type of the list below (`string`, `string(20)`, `decimal(10,2)`, …) or the database's own (`varchar(20)`). */
  type?: string
  /** alter-column: the type the down restores. */
  fromType?: string
  default?: string
  nullable?: boolean
  /** `table.column` (`table` alone: `table.id`). */
  ref?: string
  onDelete?: string
  onUpdate?: string
  /** rename-table, rename-column: the new name. */
  to?: string
  /** enum: comma-separated. */
  values?: string
  /** data-migration: the SQL expression each row's column gets. */
  set?: string
  /** data-migration: rows per batch. */
  batch?: number
}

/** The options in the order `mig make --list` shows them. */
export const optionOrder: readonly string[] = [
  'table',
  'column',
  'columns',
  'type',
  'fromType',
  'default',
  'nullable',
  'ref',
  'onDelete',
  'onUpdate',
  'to',
  'values',
  'set',
  'batch',
]

/** Options with a value even when not given: never missing. */
export const optionDefaults: Partial<Record<keyof MakeOptions, string | number>> = {
  type: 'string',
  onDelete: 'CASCADE',
  onUpdate: 'CASCADE',
  batch: 1000,
}

export const referentialActions = ['CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION', 'SET DEFAULT'] as const

/** Variables computed from the options, and the options each one needs (for the placeholders and `mig make --list`). */
export const derivedFrom: Record<string, readonly string[]> = {
  refTable: ['ref'],
  refColumn: ['ref'],
  columnsJs: ['columns'],
  columnsSql: ['columns'],
  columnsName: ['columns'],
  sqlType: ['type'],
  knexColumn: ['column', 'type'],
  sequelizeType: ['type'],
  typeormType: ['type'],
  sqlFromType: ['fromType'],
  knexFromColumn: ['column', 'fromType'],
  sequelizeFromType: ['fromType'],
  typeormFromType: ['fromType'],
  defaultJs: ['default'],
  defaultSql: ['default'],
  defaultTypeorm: ['default'],
  valuesJs: ['values'],
  valuesSql: ['values'],
  setSql: ['set'],
  setJs: ['set'],
  notNull: ['nullable', 'default'],
  setNotNull: ['nullable'],
  dropNotNull: ['nullable'],
  // The dialect's own, from no option.
  timestampType: [],
  jsonType: [],
}

/** `fromType` → `--from-type`. */
export const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`

/** What a missing value is written as: `__FROM_TYPE__`, clearly not a name anyone uses. */
export const placeholderOf = (key: string): string => `__${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}__`

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/

export const jsString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`
const list = (s: string): string[] =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)

/** Names go into the file unquoted (SQL) or inside a string (JS): only plain identifiers, so neither needs escaping. */
export function checkMakeOptions(o: MakeOptions): void {
  const names: [string, string | undefined][] = [
    ['table', o.table],
    ['column', o.column],
    ['to', o.to],
    ...(o.columns ? list(o.columns).map((c): [string, string] => ['columns', c]) : []),
    ...(o.ref ? o.ref.split('.').map((p): [string, string] => ['ref', p]) : []),
  ]
  for (const [key, value] of names) {
    if (value !== undefined && value !== '' && !identifier.test(value)) {
      throw usageError(
        'MAKE_NAME_INVALID',
        `${flagOf(key)} ${JSON.stringify(value)} is not a plain name`,
        'use letters, digits and "_", starting with a letter or "_" (a schema-qualified name: edit the file)',
      )
    }
  }
  if (o.ref && o.ref.split('.').length > 2)
    throw usageError('MAKE_REF', `--ref ${o.ref} is not table or table.column`, 'e.g. --ref customers.id')
  for (const key of ['onDelete', 'onUpdate'] as const) {
    const value = o[key]
    if (value !== undefined && !(referentialActions as readonly string[]).includes(value.toUpperCase())) {
      throw usageError('MAKE_ACTION', `${flagOf(key)} ${value} is not a referential action`, `use one of: ${referentialActions.join(', ')}`)
    }
  }
  if (o.batch !== undefined && (!Number.isInteger(o.batch) || o.batch < 1))
    throw usageError('MAKE_BATCH', `--batch ${o.batch} is not a positive whole number`, 'e.g. --batch 1000')
  if (o.values !== undefined && !list(o.values).length)
    throw usageError('MAKE_VALUES', '--values lists no values', 'e.g. --values new,paid,shipped')
}

interface ParsedType {
  /** Lower case, without arguments. */
  name: string
  args: string[]
}

const parseType = (type: string): ParsedType => {
  const m = /^\s*([A-Za-z][\w ]*?)\s*(?:\(([^)]*)\))?\s*$/.exec(type)
  return m ? { name: m[1]!.toLowerCase(), args: m[2] ? list(m[2]) : [] } : { name: type.toLowerCase(), args: [] }
}

interface TypeForms {
  knex(column: string, args: string[], dialect: Dialect): string
  sequelize(args: string[], dialect: Dialect): string
  sql(args: string[], dialect: Dialect): string
}

const withArgs = (args: string[], fallback: string[]): string => `(${(args.length ? args : fallback).join(', ')})`

/** The types `--type` knows, in each tool's own words; anything else is passed to the database as written. */
export const columnTypes: Record<string, TypeForms> = {
  string: {
    knex: (c, a) => `string(${jsString(c)}${a[0] ? `, ${a[0]}` : ''})`,
    sequelize: (a) => `Sequelize.STRING${a[0] ? `(${a[0]})` : ''}`,
    sql: (a) => `VARCHAR(${a[0] ?? 255})`,
  },
  text: { knex: (c) => `text(${jsString(c)})`, sequelize: () => 'Sequelize.TEXT', sql: () => 'TEXT' },
  integer: { knex: (c) => `integer(${jsString(c)})`, sequelize: () => 'Sequelize.INTEGER', sql: () => 'INTEGER' },
  bigint: { knex: (c) => `bigInteger(${jsString(c)})`, sequelize: () => 'Sequelize.BIGINT', sql: () => 'BIGINT' },
  boolean: { knex: (c) => `boolean(${jsString(c)})`, sequelize: () => 'Sequelize.BOOLEAN', sql: () => 'BOOLEAN' },
  decimal: {
    knex: (c, a) => `decimal(${jsString(c)}, ${(a.length ? a : ['10', '2']).join(', ')})`,
    sequelize: (a) => `Sequelize.DECIMAL${withArgs(a, ['10', '2'])}`,
    sql: (a) => `DECIMAL${withArgs(a, ['10', '2'])}`,
  },
  float: {
    knex: (c) => `double(${jsString(c)})`,
    sequelize: () => 'Sequelize.DOUBLE',
    sql: (_a, d) => ({ postgres: 'DOUBLE PRECISION', mysql: 'DOUBLE', sqlite: 'REAL' })[d],
  },
  date: { knex: (c) => `date(${jsString(c)})`, sequelize: () => 'Sequelize.DATEONLY', sql: () => 'DATE' },
  datetime: {
    knex: (c) => `datetime(${jsString(c)})`,
    sequelize: () => 'Sequelize.DATE',
    sql: (_a, d) => ({ postgres: 'TIMESTAMP', mysql: 'DATETIME', sqlite: 'DATETIME' })[d],
  },
  timestamp: {
    knex: (c) => `timestamp(${jsString(c)})`,
    sequelize: () => 'Sequelize.DATE',
    sql: (_a, d) => ({ postgres: 'TIMESTAMPTZ', mysql: 'TIMESTAMP', sqlite: 'DATETIME' })[d],
  },
  json: {
    knex: (c, _a, d) => `${d === 'postgres' ? 'jsonb' : 'json'}(${jsString(c)})`,
    sequelize: (_a, d) => (d === 'postgres' ? 'Sequelize.JSONB' : 'Sequelize.JSON'),
    sql: (_a, d) => ({ postgres: 'JSONB', mysql: 'JSON', sqlite: 'TEXT' })[d],
  },
  uuid: {
    knex: (c) => `uuid(${jsString(c)})`,
    sequelize: () => 'Sequelize.UUID',
    sql: (_a, d) => (d === 'postgres' ? 'UUID' : 'CHAR(36)'),
  },
}

/** TypeORM's column options for an SQL type: `type: 'varchar', length: '20'`. */
function typeormType(sql: string): string {
  const { name, args } = parseType(sql)
  if (args.length === 1) return `type: ${jsString(name)}, length: ${jsString(args[0]!)}`
  if (args.length === 2) return `type: ${jsString(name)}, precision: ${args[0]}, scale: ${args[1]}`
  return `type: ${jsString(name)}`
}

function typeForms(type: string, column: string, dialect: Dialect): { sql: string; knex: string; sequelize: string; typeorm: string } {
  const parsed = parseType(type)
  const known = columnTypes[parsed.name]
  const sql = known ? known.sql(parsed.args, dialect) : type.trim()
  return {
    sql,
    knex: known ? known.knex(column, parsed.args, dialect) : `specificType(${jsString(column)}, ${jsString(sql)})`,
    sequelize: known ? known.sequelize(parsed.args, dialect) : jsString(sql),
    typeorm: typeormType(sql),
  }
}

/** A `--default` as written: a number or true/false stays one, anything else is text. */
function literal(value: string): { js: string; sql: string } {
  if (/^-?\d+(\.\d+)?$/.test(value)) return { js: value, sql: value }
  if (value === 'true' || value === 'false') return { js: value, sql: value.toUpperCase() }
  return { js: jsString(value), sql: sqlString(value) }
}

const given = (v: unknown): boolean => v !== undefined && v !== ''

/**
 * Every variable a template may use: the options (`table`, `column`, …)
 * and what is computed from them for each tool's language (`sqlType`,
 * `knexColumn`, `defaultSql`, …). A missing option is written as its
 * placeholder (`__TABLE__`) inside the computed ones; the options
 * themselves stay missing, so the renderer knows to guard the file.
 */
export function templateVars(vars: Record<string, unknown>, dialect: Dialect = 'postgres'): Record<string, unknown> {
  const o = vars as MakeOptions & Record<string, unknown>
  const value = (key: keyof MakeOptions): string => {
    const v = o[key] ?? optionDefaults[key]
    return given(v) ? String(v) : placeholderOf(key)
  }
  const columns = given(o.columns) ? o.columns : o.column
  const cols = given(columns) ? list(String(columns)) : [placeholderOf('columns')]
  const [refTable, refColumn] = given(o.ref) ? [o.ref!.split('.')[0]!, o.ref!.split('.')[1] ?? 'id'] : [placeholderOf('ref'), 'id']
  const type = typeForms(value('type'), value('column'), dialect)
  const from = typeForms(value('fromType'), value('column'), dialect)
  const def = given(o.default) ? literal(String(o.default)) : { js: placeholderOf('default'), sql: placeholderOf('default') }
  const values = given(o.values) ? list(String(o.values)) : [placeholderOf('values')]
  const set = value('set')
  return {
    ...Object.fromEntries(Object.entries(optionDefaults).filter(([k]) => !given(o[k]))),
    ...vars,
    dialect,
    ...(given(columns) ? { columns } : {}),
    refTable,
    refColumn,
    columnsJs: cols.map(jsString).join(', '),
    columnsSql: cols.join(', '),
    columnsName: cols.join('_'),
    sqlType: type.sql,
    knexColumn: type.knex,
    sequelizeType: type.sequelize,
    typeormType: type.typeorm,
    sqlFromType: from.sql,
    knexFromColumn: from.knex,
    sequelizeFromType: from.sequelize,
    typeormFromType: from.typeorm,
    defaultJs: def.js,
    defaultSql: def.sql,
    defaultTypeorm: JSON.stringify(def.sql),
    valuesJs: values.map(jsString).join(', '),
    valuesSql: values.map(sqlString).join(', '),
    setSql: set,
    setJs: jsString(set),
    onDelete: value('onDelete').toUpperCase(),
    onUpdate: value('onUpdate').toUpperCase(),
    // A column gets NOT NULL when asked, or by default when it has a default (a NOT NULL column needs one to be added).
    notNull: o.nullable === false || (o.nullable === undefined && given(o.default)),
    setNotNull: o.nullable === false,
    dropNotNull: o.nullable === true,
    timestampType: columnTypes.timestamp!.sql([], dialect).toLowerCase(),
    jsonType: columnTypes.json!.sql([], dialect).toLowerCase(),
  }
}
