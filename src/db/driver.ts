import type { ScratchDriver } from './scratch.js'
import type { Snapshot, SnapshotOptions } from './snapshot.js'
import type { ConnectOptions, DatabaseTarget, Db, Dialect } from './types.js'

/** Who holds a database's migration lock. */
export interface LockHolder {
  /** e.g. "mig pid 4242 on build-7" or "connection 31 (root@localhost)". */
  who: string
  /** ISO time the holder took it (or connected), when known. */
  since?: string
  /** The holder is gone (SQLite: its pid no longer runs), so the lock can be released safely. */
  stale: boolean
}

/** One dialect's lock: non-blocking try, a look at the holder, release. The policy (polling, timeouts) is core's (`core/lock`). */
export interface LockDriver {
  tryAcquire(db: Db): Promise<boolean>
  release(db: Db): Promise<void>
  holder(db: Db): Promise<LockHolder | undefined>
  /** Does this connection still hold the lock? A cheap query on the lock's own connection; throws when it is dead. Core asks at most once a second (core/lock HELD_TRUSTED_MS). */
  held(db: Db): Promise<boolean>
  /** Break someone else's lock (terminate its session / delete its row). */
  breakLock(db: Db): Promise<void>
}

/** What core does at the two moments of a restore that only it knows how to do. */
export interface RestoreSteps {
  /** The dump loaded completely into `fresh`, before the swap: core writes the journal there. */
  loaded(fresh: Db): Promise<void>
  /** Right before the swap: core lets go of its lock and its connection to the target (PostgreSQL cannot rename a database in use). */
  release(): Promise<void>
  /** Something left over after a successful swap (a holding database that would not drop). */
  warn(message: string): void
}

/** One dialect's dump and restore. */
export interface BackupDriver {
  /** File extension of the dump. */
  extension: string
  /** The dump tool and its version, for the manifest. */
  tool(): Promise<string>
  /** Write the whole database to `file` (mode 0600). */
  dump(target: DatabaseTarget, file: string): Promise<{ sha256: string; size: number }>
  /**
   * Replace the whole database with the dump: load it into a fresh database
   * (SQLite: a file) beside the target and swap that in only once it is
   * complete. A failure before the swap leaves the target as it was and
   * throws `notChanged`.
   */
  restore(target: DatabaseTarget, file: string, steps: RestoreSteps): Promise<void>
}

/** The fields drivers put on their errors (pg: SQLSTATE in `code`; mysql2: `code` and `errno`; better-sqlite3: `code`). */
export interface DriverError {
  code?: string
  errno?: number
  message?: string
}

/** What a failed connect means, when the dialect's own codes say; anything else is judged by the generic part (`connection-errors.ts`). */
export type ConnectFailure = { kind: 'auth' } | { kind: 'missing-database'; create(database: string): string } | { kind: 'cannot-open' }

/** Enough of a connection to read the catalog. */
export type Queryable = Pick<Db, 'dialect' | 'query'>

/**
 * Everything mig knows of one SQL dialect, in `src/db/<dialect>/`. How to add one:
 *
 * 1. Add its URL schemes to `url.ts` and its name to `dialects` (`types.ts`).
 * 2. `connect`: open a `Db` (placeholders `?`, `runScript` as the dialect's
 *    own client runs a script); load the native client inside `connect`, so
 *    `mig --help` never loads it. A failure goes through `connectionError`.
 *    A dialect with schemas sets `schemas` and honours `target.schema` on
 *    every connection (search path, created when missing: `schema-events.ts`).
 * 3. `lock`: one migration lock per database, owned by this connection and
 *    gone when it dies (a session lock), or a row naming pid and host.
 * 4. `backup`: dump with the dialect's own tool, restore beside and swap.
 * 5. The catalog (`tableExists`, `listTables`, `serverVersion`, `beginSql`,
 *    `serialPk`) and the error codes (`connectFailure`, `connectionLost`).
 * 6. Register it in `drivers.ts`, and run `runDialectConformance` on it
 *    (`mig/testing`), as `test/db/<dialect>.conformance.test.ts` does.
 */
export interface DialectDriver {
  readonly dialect: Dialect
  /**
   * Open a connection; a failure throws a one-line MigError. With
   * `target.schema` (only where `schemas`), the connection's search path is
   * that schema alone, created unless `options.readOnly`.
   */
  connect(target: DatabaseTarget, options?: ConnectOptions): Promise<Db>
  /** The dialect has schemas to put in a search path (`DatabaseTarget.schema`); `connect()` refuses a schema target elsewhere. */
  readonly schemas?: boolean
  readonly lock: LockDriver
  readonly backup: BackupDriver
  /** Does `table` exist in `schema`, else in the connection's current database / search path? */
  tableExists(db: Queryable, table: string, schema?: string): Promise<boolean>
  /** Tables of the connection's current database / schema, sorted. */
  listTables(db: Queryable): Promise<string[]>
  /** The server's name and version, e.g. "PostgreSQL 16.2", for backup manifests. */
  serverVersion(db: Queryable): Promise<string>
  /** The statement that opens a transaction that will write. */
  readonly beginSql: string
  /** Column type of an auto-incrementing primary key. */
  readonly serialPk: string
  /** Drop a database on this connection's server (server dialects: test and restore leftovers). */
  dropDatabase?(admin: Db, name: string): Promise<void>
  /** What this driver's connect failure means, when its codes say. */
  connectFailure(error: DriverError): ConnectFailure | undefined
  /** Did the connection die under a query, by this driver's codes and messages? */
  connectionLost(error: DriverError): boolean
  /** Cancel this process's statements in flight on its other connections to the database (the adapter's), so they roll back now. */
  cancelInFlight?(db: Db): Promise<void>
  /** Wait until no statement of this process still runs on the server: a COMMIT whose reply was lost may still be committing. */
  settle?(db: Db): Promise<void>
  /** The normalised catalog of the connection's current database (for verify's comparisons); loads its code on first use. */
  snapshot(db: Db, options?: SnapshotOptions): Promise<Snapshot>
  /** Throwaway databases beside a target (plan, verify); loads its code on first use. */
  scratch(): Promise<ScratchDriver>
}
