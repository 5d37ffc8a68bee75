import type { DatabaseTarget, Db } from './db/types.js'
import type {
  ConfigFileOptions,
  ConfigMissing,
  EnvironmentOptions,
  FailureDetails,
  FileFacts,
  Flavour,
  FolderLayout,
  LedgerRow,
  LedgerTable,
  LoadOptions,
  Loader,
  MigrationModuleRef,
  MigrationOnDisk,
  NewMigration,
  RequireOptions,
  SqlRun,
  StatementRecorder,
  ToolCli,
  ToolConnection,
  VariableOptions,
} from './core/kit/index.js'
import type { TemplateRequest } from './core/templates.js'
import type { ConnectionParts } from './db/url.js'
import type { MigError, MigrationFailure } from './output/errors.js'

/**
 * A project: one tool's migrations in one directory, migrating one database.
 */
export interface ProjectRef {
  /** Unique across the repository; what `--project` matches. */
  name: string
  tool: string
  /** Absolute directory of the project. */
  dir: string
  /** Tool-specific settings from mig.config (`url` for sql, `env`, …). */
  options: Record<string, unknown>
}

export interface OpenContext {
  /** Repository root (`--cwd`). */
  root: string
  /**
   * The tool's environment name (knexfile environment, sequelize env, a url
   * per env): `--env`, else the project's `env` in mig.config, else MIG_ENV,
   * else NODE_ENV (exported, else from the project's `.env`), else
   * `development`.
   */
  env: string
  /**
   * The project's environment, by the one rule: the variables exported to
   * mig, with the project's own `.env` filling in what they do not set.
   */
  projectEnv(): Readonly<Record<string, string>>
  /**
   * Run `fn` (evaluating the tool's config file: a knexfile, a DataSource,
   * sequelize's config.js, prisma.config.ts) with process.env as
   * `projectEnv()` sees it; process.env is put back afterwards, and calls are
   * serialised, so projects never see each other's values.
   */
  withProjectEnv<T>(fn: () => T | Promise<T>): Promise<T>
  /** Non-fatal notices, shown to the user on stderr. */
  warn(message: string): void
  /** Advice worth giving once per project and `key`, not on every run: shown, then remembered in the repository's `.mig/`. */
  warnOnce(key: string, message: string): void
  /**
   * A connection through core's own drivers (SQLite connections are shared
   * with core's). Reading a ledger with it lets `list()` answer without
   * loading the ORM, so `mig status` stays fast. In commands that only read
   * (status), plain reads (SELECT, WITH, SHOW) go over the connection core
   * reads the journal and lock with; the first statement that is anything
   * else (`run()`, a SET through `query()`) moves this connection onto one
   * of its own first, so it may change its session without changing core's.
   */
  connect(target: DatabaseTarget): Promise<Db>
  /**
   * Core's URL parsing, so every tool names its database the same way: a
   * target from a connection URL (`sqlite:`/`file:` paths relative to
   * `baseDir`) or from host, port, user, password and database. The password
   * is registered for redaction.
   */
  target(source: string | ConnectionParts, baseDir: string): DatabaseTarget
  /**
   * The database the session must work on, given the one the tool's config
   * names: normally `target` itself; while `mig plan` or `mig verify` runs, a
   * scratch database on the same server with the same credentials (SQLite:
   * another file). An adapter passes its configured target through this and,
   * when the key it gets back differs, points the tool's own connection
   * settings at the returned database (`database`; SQLite `file`) and
   * reports that one as `Session.target`. A fleet's target may come back
   * with `schema` (PostgreSQL schema-per-tenant): the tool's ledger and the
   * migrations' tables must then go to that schema (knex: `searchPath`), or
   * the adapter refuses it with SCHEMA_UNSUPPORTED (`redirectUrl()` and
   * `connectionParts()` do so for it). The conformance suite checks both.
   */
  database(target: DatabaseTarget): DatabaseTarget
  /**
   * Core's error classes. A plugin throws these (rather than its own copies)
   * so core gives them its exit codes and hints: MigError for bad config or
   * input, MigrationFailure when a migration itself fails.
   */
  errors: { MigError: typeof MigError; MigrationFailure: typeof MigrationFailure }
  /**
   * Core's template lookup for `create()`: the project's
   * `.mig/templates/<tool>/<file>` if there is one, else `<builtIn>/<file>`,
   * with `{{key}}` replaced from `vars`; an unknown template throws a
   * MigError listing the built-in names.
   */
  template(request: TemplateRequest): string
  /**
   * A loader for the tool's own files (its config, its migrations): jiti for
   * TypeScript and ESM, Node's require first for `.js`/`.cjs` with
   * `native`, TypeScript compiled by the project's own with decorator
   * metadata kept with `decorators`, bare imports resolved from the
   * project. One loader shares its cache between the files it loads (with
   * `moduleCache`), and takes none of the project's own files from an
   * earlier loader's, so a second open sees the files as they are now
   * (TypeScript, and CommonJS with `native`; an ES module Node imports
   * itself, `.mjs` or a `type: module` package's `.js`, stays in Node's own cache).
   */
  loader(options?: LoadOptions): Loader
  /**
   * The user's own package (the ORM, its CLI, typescript), resolved from
   * the project's folder; missing, a MigError `<PACKAGE>_MISSING` whose hint
   * is the `npm install` to run in the project.
   */
  require<T = unknown>(specifier: string, options?: RequireOptions): T
  /** Where `require` would find `specifier`, with the same error when the project lacks it. */
  resolve(specifier: string, options?: RequireOptions): string
  /** A new migration's time part, now in UTC: `YYYYMMDDHHMMSS`, or TypeORM's `epoch-ms`. */
  timestamp(format?: 'YYYYMMDDHHMMSS' | 'epoch-ms'): string
  /** Write a new migration file (its folder made); never overwrites: an existing file is a MigError MIGRATION_EXISTS. */
  writeNew(file: string, text: string): Promise<void>
  /**
   * Hears the queries the tool logs while a migration runs and keeps the
   * migration's own: not transaction control, not a query naming one of the
   * tool's `ledger` tables. Each goes to `options.capture`; `last` names the
   * statement of a failure.
   */
  recorder(options: { capture?(sql: string): void }, ledger?: readonly string[]): StatementRecorder
  /**
   * The error to throw when a migration fails: a MigrationFailure with the
   * statement and whether part of it may be applied (`partial`); a MigError
   * the adapter threw itself passes through unless `always`.
   */
  fail(error: unknown, details: FailureDetails): Error
  /**
   * `list()` for a tool that keeps one ledger row per applied migration:
   * the rows in order (`missing` when their files are gone), then the
   * migrations on disk the ledger lacks, `pending`; `name` gives the human part of an id.
   */
  mergeLedger(rows: readonly LedgerRow[], disk: readonly MigrationOnDisk[], name: (id: string) => string): Migration[]
  /**
   * The tool's config file in the project: the one `configured` names
   * (a project option, relative to the project), else the first of `names`
   * there. Undefined when there is none; with `missing`, a configured file
   * must exist and none is a MigError `<TOOL>_CONFIG_MISSING`.
   */
  findConfig(names: readonly string[], configured?: unknown): string | undefined
  findConfig(names: readonly string[], configured: unknown, missing: ConfigMissing): string
  /**
   * Load the tool's config file (`options.loader`, else `ctx.loader` with
   * `options.load`; JSON parsed as it is), in `options.cwd`; calls an
   * exported function with `call`. Any failure is one MigError
   * `options.code` (default `<TOOL>_CONFIG_LOAD`): the project, the file,
   * the error's first line, `options.hint`. Call it inside `withProjectEnv()`
   * when the config reads process.env.
   */
  loadConfig(file: string, options: ConfigFileOptions): Promise<unknown>
  /**
   * The settings for `env` (without it, `ctx.env`) out of a config keyed by
   * environment: its entry, else the config itself when `options.flat` says
   * it is one environment's; otherwise a MigError (`<TOOL>_ENV`) listing the
   * environments.
   */
  environment<T>(config: unknown, options: EnvironmentOptions): { config: T; environment: string | undefined }
  environment<T>(config: unknown, env: string, options: EnvironmentOptions): { config: T; environment: string | undefined }
  /**
   * A variable the tool's config reads (`env("DATABASE_URL")`), from
   * `projectEnv()`; not set, a MigError `options.code` (default
   * `<TOOL>_ENV_VAR`) saying what reads it
   * and where to set it.
   */
  variable(name: string, options: VariableOptions): string
  /**
   * The target the tool's connection settings name (driver, URL or parts,
   * SQLite file), in the tool's words: an unsupported driver or an SQLite
   * connection without a file is a MigError; a relative file resolves
   * against `baseDir`. Pass it through `database()`.
   */
  toolTarget(connection: ToolConnection): DatabaseTarget
  /** The tool's own URL pointed at `target` (what `database()` returned): its server, credentials, database or file; the tool's parameters kept. */
  redirectUrl(url: string, target: DatabaseTarget): string
  /** `target`'s host, port, user, password and database, for a tool whose connection is an object. */
  connectionParts(target: DatabaseTarget): { host: string; port: number; user: string; password: string; database: string }
  /** A timestamp from the tool's ledger as `connect()`'s connections return it; `naive` is the zone the tool writes zoneless text in. */
  readTime(value: unknown, naive?: 'utc' | 'local'): Date | undefined
  /**
   * Run a migration's SQL on a `connect()` connection, honouring
   * RunOptions' capture, progress and signal: statement by statement (the
   * dialect's splitter), optionally in one transaction with the ledger
   * write, or as one script; a failure is a MigrationFailure naming the
   * statement.
   */
  runSql(db: Db, sql: string, run?: SqlRun): Promise<void>
  /**
   * `create()`'s files, each from a template (`template()`'s lookup: the
   * project's copy first; default `<name><the file's extension>.txt`) or a given text, all rendered before any is
   * written, none overwriting a file (`writeNew()`). Returns their paths.
   */
  writeMigration(migration: NewMigration): Promise<string[]>
  /**
   * Run the project's own copy of the tool's CLI (`prisma migrate diff`)
   * and return what it prints: missing, a MigError `<PACKAGE>_MISSING`
   * with the install command; failing, a MigError `cli.code` with the one
   * line of its output that says why. The URL goes in `env`, never in argv.
   */
  toolCli(cli: ToolCli): Promise<string>
  /** `name` (in `schema`) quoted for `dialect`, for the tool's ledger in SQL run on a `connect()`ion. */
  quoteName(dialect: DatabaseTarget['dialect'], name: string, schema?: string): string
  /**
   * `value` written into SQL for `dialect`, as core's journal rows are:
   * holding no `?` and no bare backslash, so a client that takes `?` for a
   * placeholder in raw SQL (knex on PostgreSQL) leaves it as it is.
   */
  literal(dialect: DatabaseTarget['dialect'], value: string | number | null): string
  /** Run `fn` holding the PostgreSQL advisory lock the tool's own CLI takes (`key`), so the two never migrate at once; `fn` alone elsewhere. */
  withAdvisoryLock<T>(db: Db, key: number, fn: () => Promise<T>): Promise<T>
  /** The migrations on disk of a tool that keeps one folder each (Prisma), by name, for `mergeLedger`: reversible when the down is there. */
  migrationFolders(dir: string, layout: FolderLayout): MigrationOnDisk[]
  /** Rows of the tool's ledger table through a `connect()`ion, names quoted by `quoteName`; none while the table does not exist. */
  readLedger<T>(db: Db, ledger: LedgerTable): Promise<T[]>
  /** The `up` or `down` a migration module exports; missing, a MigError `<TOOL>_NO_FUNCTION` (verify: irreversible). */
  migrationFunction<F extends (...args: never[]) => unknown>(module: unknown, direction: 'up' | 'down', ref: MigrationModuleRef): F
  /** The MigError (`<TOOL>_REDIRECT`) to throw when the config cannot be pointed at what `database()` handed back: `reason`, and `hint`. */
  scratchRefusal(reason: string, hint: string): MigError
  /** For `create()`: the extension most of `dir`'s migrations use (of `extensions`), else `fallback`, and its template's module syntax (ESM in a `type: module` package). */
  migrationFlavour(dir: string, extensions: readonly string[], fallback: string): Flavour
  /**
   * What the plugin learned by loading the project's files (a TypeORM
   * migration file's classes and names), remembered by each file's path and
   * bytes in mig's cache folder: a later run that needs only that reads the
   * file instead of running it. `namespace` names the plugin and the facts'
   * shape. An aid only: a missing or unwritable cache is an empty one.
   */
  fileFacts<T>(namespace: string): FileFacts<T>
}

/** A lock the tool itself keeps (knex_migrations_lock), shown and released by `mig unlock`. */
export interface ToolLock {
  /** e.g. "knex_migrations_lock". */
  name: string
  held: boolean
  /** What is known of when it was taken. */
  since?: string
  release(): Promise<void>
}

export type MigrationState = 'applied' | 'pending' | 'failed' | 'missing'

export interface Migration {
  /** As the tool's ledger names it. */
  id: string
  /** Human part, e.g. create_users. */
  name: string
  /** Absolute paths of its files; empty when `missing`. */
  files: string[]
  /** missing: in the ledger, no file on disk. */
  state: MigrationState
  appliedAt?: string
  batch?: number
  /** sha256 of its files with CRLF→LF; core fills it from `files` when absent. */
  checksum?: string
  /** Has a down. */
  reversible: boolean
  /** When not reversible: how to make it so (shown when a down is refused). */
  irreversibleHint?: string
  /** The tool itself sees the applied migration's files changed (its ledger keeps a checksum, as Prisma's does). */
  drift?: boolean
  /** YYYYMMDDHHMMSS or epoch-ms parsed from the id, for ordering across projects; core fills it when absent. */
  timestamp?: string
}

export interface RunOptions {
  /** Called with each SQL statement the migration runs, in order. */
  capture?(sql: string): void
  /** 'auto': the adapter's normal transaction handling; 'none': no wrapping transaction. */
  transaction: 'auto' | 'none'
  /**
   * Called after each statement of the migration finishes, with how many have
   * and how many it has, when the adapter runs statement by statement. Await
   * it before the next statement: core journals the count, so a crash of a
   * migration no transaction covers still says how far it got.
   */
  progress?(done: number, total: number): void | Promise<void>
  /**
   * Aborted on Ctrl-C. Check it between statements (yielding to the event
   * loop first, so a signal that arrived during a synchronous statement is
   * seen) and throw, rolling the transaction back, instead of going on.
   */
  signal?: AbortSignal
  /**
   * Core's journal row for this migration, to write in the migration's own
   * transaction (one commit per migration, not two). Offered only when core
   * sees the migration as transactional (`Session.transactional`). An
   * adapter that runs the migration in a transaction calls `statement()`
   * after the migration and its ledger write, just before COMMIT, and runs
   * the text it returns on the transaction's connection, as it is, with no
   * parameters: one INSERT with its values written in for this dialect,
   * holding no `?` and no bare backslash, so no client's placeholders or
   * escaping settings change it. Core then writes no row of its own when
   * the step succeeds; when it fails, the transaction took the row with it
   * and core writes the failure. An adapter that never calls it (a
   * non-transactional run, an older plugin) leaves the row to core, as before.
   */
  journal?: JournalHook
  /**
   * The migration core runs next on this session, in the same direction,
   * once this one succeeds; absent when this is the session's last step of
   * the run or another project's step comes first. An adapter may begin
   * that migration's transaction in the round trip that commits this one
   * (`…; COMMIT; BEGIN`), and must then run it in that transaction when
   * `up`/`down` is called for it, and roll it back on any other call and in
   * `close()` (core closes the session when it stops instead: a failure
   * elsewhere, Ctrl-C, a lost lock).
   */
  next?: Migration
}

/** RunOptions.journal. */
export interface JournalHook {
  /** The INSERT to run just before COMMIT; each call marks the row as the adapter's to write (its duration is measured at the call). */
  statement(): string
}

/**
 * `mig up --atomic`: the migrations to apply in one transaction. The adapter
 * takes its tool's lock once, then for each migration in order calls
 * `options(m)` (which tells core it starts) and runs it with those options
 * as `up()` would, its ledger row and its `journal.statement()` included,
 * and commits once at the end. A failure, or an aborted `signal` seen
 * between migrations, rolls the whole run back and throws as `up()` does.
 */
export interface AtomicRun {
  migrations: readonly Migration[]
  options(m: Migration): RunOptions & { journal: JournalHook }
  signal?: AbortSignal
}

/** An open connection to one project's database and files. */
export interface Session {
  /** Dialect and connection for core's lock, journal, backup and snapshot. */
  readonly target: DatabaseTarget
  /**
   * The tables this project's tool keeps its ledger and lock in, as the
   * project names them (`schema.table` when in another schema). `mig plan`
   * copies their rows into its scratch database, and `mig verify` leaves
   * them out of its schema comparisons, beside every tool's default names.
   */
  readonly ledgerTables?: readonly string[]
  /**
   * Disk and ledger merged. Applied migrations come first in the order they
   * would be reverted last-to-first (so the last applied entry is the next
   * `down`), then pending ones in the order the tool applies them.
   */
  list(): Promise<Migration[]>
  /** Apply exactly `m` and record it in the tool's ledger; on failure record nothing and throw (MigrationFailure when the statement is known). */
  up(m: Migration, options: RunOptions): Promise<void>
  /** Revert exactly `m` and remove it from the tool's ledger. */
  down(m: Migration, options: RunOptions): Promise<void>
  /** Write a new migration; returns the created files. */
  create(name: string, template: string, vars: Record<string, unknown>): Promise<string[]>
  /**
   * Record `m` in the tool's ledger without running it, exactly as the tool
   * itself would (`prisma migrate resolve`, `typeorm migration:run --fake`):
   * `applied` writes the row a successful run writes; `rolled-back` clears
   * what a failed run left (a failed row, or a row a half-applied run wrote),
   * and leaves a ledger that keeps no failed state as it is.
   */
  mark?(m: Migration, as: 'applied' | 'rolled-back'): Promise<void>
  /**
   * Does running `m` in `direction` happen inside one transaction that also
   * writes the ledger, so a crash leaves nothing of it? False for a file that
   * opts out (`-- mig:no-transaction`, knex `config.transaction = false`,
   * TypeORM `transaction = false`). Without this method core assumes every
   * dialect but MySQL/MariaDB (whose DDL commits implicitly) is covered. When
   * it is not, core journals the migration `running` before it starts.
   */
  transactional?(m: Migration, direction: 'up' | 'down'): Promise<boolean>
  /**
   * Apply every migration of `run` in one transaction (AtomicRun). Absent:
   * the tool cannot yet, and `--atomic` is refused naming it. Core calls it
   * only on PostgreSQL and SQLite, with migrations that are all transactional.
   */
  upAtomic?(run: AtomicRun): Promise<void>
  /** The tool's own migration lock, when it keeps one. */
  toolLock?(): Promise<ToolLock | undefined>
  close(): Promise<void>
}

/**
 * A file that gives a tool's projects away. Core walks the tree once for
 * every tool (skipping node_modules, dist, .git and .mig), names each project
 * after its folder and resolves collisions: one rule for every tool.
 */
export interface ProjectMarker {
  /** A glob relative to the repository root, e.g. `**\/knexfile.{js,cjs,mjs,ts}`. */
  glob: string
  /** Match dotfiles (`.sequelizerc`). */
  dot?: boolean
  /** The project a matching file stands for (default: its folder), or undefined when it is not one after all. */
  project?(file: string): { dir: string; options?: Record<string, unknown> } | undefined
}

/**
 * An adapter teaches mig one migration tool. How to write one:
 *
 * 1. Pick `tool`, the name users write in mig.config (`"tool": "knex"`).
 * 2. `markers`: the files that give this tool's projects away. Core detects,
 *    names and places every project with one rule, so a project's name never
 *    depends on which plugins are installed. The tools core knows
 *    (src/config/tools.ts: sql, knex, typeorm, prisma, sequelize) are
 *    detected by that list, plugin installed or not; a new tool brings its own.
 * 3. `open(project, ctx)`: find and load the tool's own config for
 *    `ctx.env` (`ctx.findConfig()`, `ctx.loadConfig()`, `ctx.environment()`,
 *    `ctx.variable()`, or `ctx.loader()`), inside `ctx.withProjectEnv()` so
 *    it sees the project's `.env`; load the user's ORM from the project
 *    lazily (`ctx.require`, which says how to install it when missing), turn
 *    the config's connection settings into a target (`ctx.toolTarget()`),
 *    pass it through `ctx.database()` (plan and verify swap in a scratch
 *    database there), point the tool at what it returns
 *    (`ctx.redirectUrl()`, `ctx.connectionParts()`; `ctx.scratchRefusal()`
 *    when it cannot be), and return a Session naming its `ledgerTables`.
 *    Throw `ctx.errors.MigError` with a hint for bad config. An
 *    adapter never reads process.env or `.env` itself: `ctx.projectEnv()`
 *    is the one rule (an exported variable wins over the project's `.env`).
 * 4. `list()`: read the tool's ledger (`ctx.readLedger()`, `ctx.readTime()`)
 *    and the files (`ctx.migrationFolders()` for a folder each); never
 *    write. `ctx.mergeLedger()` merges them (failed rows and drift included).
 * 5. `up`/`down`: run exactly one migration the way the tool does and write
 *    the tool's ledger exactly as the tool writes it, in the same transaction
 *    as the migration wherever the dialect allows. Feed the tool's query log
 *    to `ctx.recorder(options, ledgerTables)` and throw
 *    `ctx.fail(error, { statement: recorder.last, partial })` on failure.
 *    Run core's journal row in that transaction too (`options.journal`,
 *    just before COMMIT), so a migration costs one commit. Where the
 *    dialect's DDL is transactional, `upAtomic` (for `mig up --atomic`)
 *    runs a whole run that way in one transaction.
 *    A migration module's function comes through `ctx.migrationFunction()`
 *    (a missing down is then irreversible to verify); SQL through
 *    `ctx.runSql()`, the ledger's name through `ctx.quoteName()`, the tool's
 *    lock through `ctx.withAdvisoryLock()`, its CLI through `ctx.toolCli()`.
 *    `create()` names files with `ctx.timestamp()` and writes them with
 *    `ctx.writeMigration()` (templates, the project's own first; the
 *    project's extension and module syntax from `ctx.migrationFlavour()`) or
 *    `ctx.writeNew()`, both never overwriting.
 * 6. `mark(m, as)` (for `mig resolve` and `mig baseline`): write or clear
 *    the ledger row for `m` without running it, as the tool's own "fake" or
 *    "resolve" command does, so the tool's CLI agrees afterwards.
 * 7. Contribute it from an oclif plugin: a `mig:adapters` hook in the
 *    plugin's package.json returning `[adapter]`. The hook must not rely on
 *    its arguments or `this`: the fast dispatcher calls it without oclif
 *    (src/fast-status.ts), with an empty options object. What it returns is
 *    checked (src/core/verify-adapter.ts): a malformed adapter is refused
 *    with one line naming the plugin.
 * 8. Run `runConformance` from `mig/testing` against every dialect you
 *    support, with the tool's own CLI as the oracle for the ledger.
 *
 * A plugin reaches core only through types imported from `mig` (src/index.ts
 * exports nothing else) and values through `ctx`: what every adapter needs
 * (loading files, the user's packages, timestamps, safe writes, failures)
 * is done once in core (src/core/kit/) and handed over on the OpenContext.
 * An adapter keeps only what is truly its tool's.
 *
 * Core owns the rest: selection, ordering across projects, the lock, the
 * journal and checksums, backups, output.
 */
export interface Adapter {
  tool: string
  /** How this tool's projects are found; required for a tool core does not know (src/config/tools.ts). */
  markers?: readonly ProjectMarker[]
  /**
   * `create()` writes SQL files and takes core's plain-SQL templates where
   * its own folder has none (a file's `sql` kind in `writeMigration`):
   * `mig make --list` lists those as this tool's too.
   */
  sqlTemplates?: boolean
  open(project: ProjectRef, ctx: OpenContext): Promise<Session>
}
