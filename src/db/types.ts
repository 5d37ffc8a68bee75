export const dialects = ['postgres', 'mysql', 'sqlite'] as const
export type Dialect = (typeof dialects)[number]

/** Where a project's migrations live. `url` may hold a password: never print it, print `display`. */
export interface DatabaseTarget {
  dialect: Dialect
  url: string
  /** The URL with its password masked, for output. */
  display: string
  /** Identity of the database: projects with equal keys share one lock and one journal. */
  key: string
  /** SQLite: absolute path of the database file. */
  file?: string
  /** Server databases: the database name. */
  database?: string
  /**
   * PostgreSQL schema-per-tenant: every connection to this target has
   * `search_path` = this schema alone (the tool's ledger, mig's journal and
   * lock, and the migrations' unqualified tables all live in it), and the
   * schema is created when a connection that may write finds it missing.
   * Part of `key`: two schemas of one database are two lock and journal
   * identities. Made by `schemaTarget()` (url.ts); other dialects refuse it
   * (MigError SCHEMA_UNSUPPORTED).
   */
  schema?: string
}

/** How a connection is opened. */
export interface ConnectOptions {
  /** The command only reads: what does not exist yet (a PostgreSQL target's schema) is not created. */
  readOnly?: boolean
}

export interface QueryOptions {
  /**
   * A statement this connection runs again and again: PostgreSQL parses and
   * plans it once, under this name (one SQL text per name). Ignored elsewhere.
   */
  prepare?: string
}

/** What core needs of a connection. Placeholders are `?` on every dialect. */
export interface Db {
  readonly dialect: Dialect
  readonly target: DatabaseTarget
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>
  run(sql: string, params?: readonly unknown[]): Promise<void>
  /**
   * A whole multi-statement script as the dialect's own client runs it:
   * PostgreSQL as one simple query (atomic by itself), SQLite as one batch
   * (no wrapping transaction), MySQL statement by statement. A failure
   * carries the failing statement as `error.statement` where known.
   */
  runScript(sql: string): Promise<void>
  /** Does the table exist (in `schema`, else the connection's current schema)? */
  tableExists(table: string, schema?: string): Promise<boolean>
  close(): Promise<void>
  /**
   * The connection is known to be gone: closed, or ended by the server or
   * the network (an event already seen, no round trip). Session-level locks
   * die with it. Undefined where a connection cannot end on its own (SQLite).
   */
  lost?(): boolean
}
