import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Adapter, AtomicRun, DatabaseTarget, Db, Migration, OpenContext, ProjectRef, RunOptions, Session } from 'mig'
import { type PrismaProject, readPrismaProject, targetOf } from './config.js'

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates')

/** The advisory lock `prisma migrate deploy` takes on PostgreSQL: holding it makes a concurrent deploy wait. */
const PRISMA_LOCK = 72707369

/** `_prisma_migrations` exactly as Prisma creates it, per connector. */
const ddl: Record<DatabaseTarget['dialect'], (table: string) => string> = {
  postgres: (t) => `CREATE TABLE ${t} (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`,
  sqlite: (t) => `CREATE TABLE ${t} (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`,
  mysql: (t) => `CREATE TABLE ${t} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
}

interface Row {
  id: string
  checksum: string
  finished_at: unknown
  migration_name: string
  rolled_back_at: unknown
  started_at: unknown
}

/** A row of `_prisma_migrations` not rolled back, as a session keeps it once read under Prisma's lock. */
interface Attempt {
  id: string
  name: string
  /** finished_at is set: applied. Else failed (or running: a crash leaves that too). */
  finished: boolean
}

/**
 * Statements PostgreSQL refuses inside a transaction block (CREATE INDEX
 * CONCURRENTLY, VACUUM, CREATE DATABASE, ALTER SYSTEM, …) or that end one
 * (COMMIT in a DO block or a procedure): a script naming any of these
 * words, even in a comment, runs as Prisma runs it, one simple query of its
 * own, and mig's rows go in after it. Every other script runs in a
 * transaction with Prisma's finished_at and mig's journal row.
 */
const outsideTransaction =
  /\b(CONCURRENTLY|VACUUM|DATABASE|TABLESPACE|SYSTEM|SUBSCRIPTION|DISCARD|PREPARED|COMMIT|ROLLBACK|ABORT|CALL|CLUSTER)\b/i

export const prismaAdapter: Adapter = {
  tool: 'prisma',
  // templates/ here holds only where Prisma differs (a lone CONCURRENTLY statement, no DELIMITER): the rest are core's SQL ones.
  sqlTemplates: true,
  async open(project: ProjectRef, ctx: OpenContext): Promise<Session> {
    const prisma = await readPrismaProject(project, ctx)
    const configured = targetOf(prisma, ctx)
    // plan and verify: core's connection on the scratch database ctx.database() gives; the Prisma CLI gets it in cliEnv().
    const target = ctx.database(configured)
    // The Prisma CLI would read the URL's own ?schema= (or public), not the target's: a fleet's schema rows are refused, never migrated elsewhere.
    if (target.schema !== undefined)
      throw new ctx.errors.MigError(
        'SCHEMA_UNSUPPORTED',
        `${project.name}: the prisma adapter cannot migrate schema "${target.schema}" of ${target.display} yet`,
        "give this project database targets (url), or one project per schema with the URL's ?schema=",
      )
    const db = await ctx.connect(target)
    if (prisma.pgSchema && prisma.pgSchema !== 'public') await db.run(`SET search_path TO ${ctx.quoteName('postgres', prisma.pgSchema)}`)
    return new PrismaSession(project, ctx, prisma, target, db, target.key !== configured.key)
  },
}

/** Prisma sees mig's own tables as drift and diffs them away: drop those steps (each starts with a `-- Step` comment). */
const withoutMigTables = (script: string): string =>
  script
    .split(/\n(?=-- [A-Z])/)
    .filter((step) => !/"(mig_journal|mig_lock|mig_sql_migrations)"/.test(step))
    .join('\n')

/** A timestamp column Prisma has filled: finished_at, rolled_back_at. */
const isSet = (value: unknown): boolean => value !== null && value !== undefined

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** Prisma accepts a checksum of the script as written, or with its line endings converted either way. */
const checksumMatches = (script: string, checksum: string): boolean =>
  [script, script.replace(/\r\n/g, '\n'), script.replace(/\r?\n/g, '\r\n')].some((s) => sha256(s) === checksum)

/**
 * Prisma's migration protocol, implemented directly: the stock CLI needs a
 * native engine this machine cannot download, and `_prisma_migrations` is all
 * `prisma migrate status` and `deploy` read.
 */
class PrismaSession implements Session {
  private readonly table: string
  /** Prisma's ledger, in the URL's `?schema=` when that is not public: plan copies it to its scratch database. */
  readonly ledgerTables: readonly string[]
  /** `mig up --atomic`: PostgreSQL only (Prisma's SQLite scripts need PRAGMA foreign_keys outside a transaction; MySQL's DDL commits). */
  readonly upAtomic?: (run: AtomicRun) => Promise<void>
  /** `_prisma_migrations`' rows not rolled back, by migration, once read under Prisma's lock (`held()`). */
  private ledger: Map<string, Attempt[]> | undefined
  /** Those rows without finished_at: each blocks `up` (P3009). */
  private readonly failed = new Set<Attempt>()
  private ledgerExists = false
  /** Holding Prisma's advisory lock (PostgreSQL), until close(). */
  private locked = false
  private readonly scripts = new Map<string, string>()

  constructor(
    private readonly project: ProjectRef,
    private readonly ctx: OpenContext,
    private readonly prisma: PrismaProject,
    readonly target: DatabaseTarget,
    private readonly db: Db,
    /** On a database other than the one the config names (plan, verify). */
    private readonly redirected = false,
  ) {
    this.table = ctx.quoteName(target.dialect, '_prisma_migrations')
    this.ledgerTables = [prisma.pgSchema && prisma.pgSchema !== 'public' ? `${prisma.pgSchema}._prisma_migrations` : '_prisma_migrations']
    if (target.dialect === 'postgres') this.upAtomic = (run) => this.atomic(run)
  }

  private async rows(): Promise<Row[]> {
    if (!(await this.db.tableExists('_prisma_migrations', this.prisma.pgSchema))) return []
    return this.db.query<Row>(
      `SELECT id, checksum, finished_at, migration_name, rolled_back_at, started_at FROM ${this.table} ORDER BY started_at, migration_name`,
    )
  }

  /** The row that counts for each migration: the latest attempt not rolled back. */
  private async current(): Promise<Map<string, Row>> {
    const byName = new Map<string, Row>()
    for (const row of await this.rows()) if (!isSet(row.rolled_back_at)) byName.set(row.migration_name, row)
    return byName
  }

  /**
   * `_prisma_migrations` as `prisma migrate deploy` reads it: once, after
   * taking Prisma's lock, which the session then holds until it closes (as
   * one deploy holds it for its whole run), so no `prisma migrate deploy`
   * writes the table between mig's steps and the rows kept in memory stay
   * true. Each step updates them as it writes. Only the rows not rolled
   * back, with no timestamps to parse.
   */
  private async held(): Promise<Map<string, Attempt[]>> {
    if (this.ledger) return this.ledger
    if (this.target.dialect === 'postgres') await this.db.run('SELECT pg_advisory_lock(?)', [PRISMA_LOCK])
    this.locked = this.target.dialect === 'postgres'
    this.ledgerExists = await this.db.tableExists('_prisma_migrations', this.prisma.pgSchema)
    const rows = this.ledgerExists
      ? await this.db.query<{ id: string; migration_name: string; finished: unknown }>(
          `SELECT id, migration_name, CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END AS finished FROM ${this.table} WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
        )
      : []
    const ledger = new Map<string, Attempt[]>()
    for (const row of rows) this.remember(ledger, { id: row.id, name: row.migration_name, finished: Number(row.finished) === 1 })
    this.ledger = ledger
    return ledger
  }

  private remember(ledger: Map<string, Attempt[]>, attempt: Attempt): void {
    const attempts = ledger.get(attempt.name)
    if (attempts) attempts.push(attempt)
    else ledger.set(attempt.name, [attempt])
    if (!attempt.finished) this.failed.add(attempt)
  }

  /** Rolled back: Prisma no longer counts the row. */
  private forget(ledger: Map<string, Attempt[]>, attempt: Attempt): void {
    const rest = (ledger.get(attempt.name) ?? []).filter((a) => a !== attempt)
    if (rest.length) ledger.set(attempt.name, rest)
    else ledger.delete(attempt.name)
    this.failed.delete(attempt)
  }

  /** As Prisma's schema engine initializes its persistence: the table, once a session. */
  private async ensureLedger(): Promise<void> {
    await this.held()
    if (this.ledgerExists) return
    await this.db.run(ddl[this.target.dialect](this.table))
    this.ledgerExists = true
  }

  /** A failed migration blocks every up until it is resolved, as in `prisma migrate deploy` (P3009). */
  private async refuseFailed(): Promise<void> {
    const [blocking] = this.failed
    if (!blocking) return
    const [row] = await this.db.query<{ started_at: unknown }>(`SELECT started_at FROM ${this.table} WHERE id = ?`, [blocking.id])
    throw new this.ctx.errors.MigError(
      'PRISMA_FAILED_MIGRATION',
      `${this.project.name}: migration ${blocking.name} (started ${this.timeOf(row?.started_at)}) failed; Prisma applies no new migrations until it is resolved (P3009)`,
      `\`mig down --project ${this.project.name}\` runs its down.sql (if any) and marks it rolled back; or fix the database by hand and run \`npx prisma migrate resolve --applied ${blocking.name}\``,
    )
  }

  /** Applied since mig listed it (another run wrote it before mig took Prisma's lock): running it again would fail halfway or do it twice. */
  private refuseApplied(ledger: Map<string, Attempt[]>, m: Migration): void {
    if (!ledger.get(m.id)?.some((a) => a.finished)) return
    throw new this.ctx.errors.MigError(
      'PRISMA_ALREADY_APPLIED',
      `${this.project.name}: ${m.id} is already recorded as applied in _prisma_migrations (another run applied it after mig listed the migrations)`,
      'run `mig status` to see what is applied, then `mig up` again',
    )
  }

  /** A migration's SQL file, read once for transactional() and the step that follows it. */
  private script(file: string): string {
    let text = this.scripts.get(file)
    if (text === undefined) {
      text = readFileSync(file, 'utf8')
      this.scripts.set(file, text)
    }
    return text
  }

  private upFile(m: Migration): string {
    return join(this.prisma.migrationsDir, m.id, 'migration.sql')
  }

  private downFile(m: Migration): string {
    return join(this.prisma.migrationsDir, m.id, 'down.sql')
  }

  /** A failed row (no finished_at) is failed, a migration Prisma sees edited (its checksum) drifted. */
  async list(): Promise<Migration[]> {
    const dir = this.prisma.migrationsDir
    const disk = this.ctx.migrationFolders(dir, { up: 'migration.sql', down: 'down.sql', irreversibleHint: (id) => this.downHint(id) })
    const rows = [...(await this.current()).values()].sort((a, b) => a.migration_name.localeCompare(b.migration_name))
    const ledger = rows.map((row) => {
      const file = join(dir, row.migration_name, 'migration.sql')
      const text = isSet(row.finished_at) ? readIfThere(file) : undefined
      const drift = text !== undefined && !checksumMatches(text, row.checksum)
      return { id: row.migration_name, appliedAt: this.timeOf(row.finished_at ?? row.started_at), failed: !isSet(row.finished_at), drift }
    })
    return this.ctx.mergeLedger(ledger, disk, (id) => id.replace(/^\d+_/, ''))
  }

  private downHint(name: string): string {
    const rel = (p: string) => relative(this.project.dir, p) || '.'
    return `write ${rel(join(this.prisma.migrationsDir, name, 'down.sql'))}, e.g. with \`npx prisma migrate diff --from-config-datasource --to-schema <schema.prisma as it was before ${name}> --script -o ${rel(join(this.prisma.migrationsDir, name, 'down.sql'))}\``
  }

  /** Prisma's timestamps, read back: MySQL's DATETIME(3) holds UTC. */
  private timeOf(value: unknown): string | undefined {
    return this.ctx.readTime(value, 'utc')?.toISOString()
  }

  private now(): unknown {
    // Prisma writes SQLite timestamps as integer milliseconds, MySQL's DATETIME(3) in UTC.
    if (this.target.dialect === 'sqlite') return Date.now()
    if (this.target.dialect === 'mysql') return new Date().toISOString().replace('T', ' ').replace('Z', '')
    return new Date()
  }

  /**
   * Run a script as Prisma does: on PostgreSQL as one simple query, which
   * the server makes one transaction; on SQLite as one batch and on MySQL
   * statement by statement. With transaction 'none' (nothing to wrap it,
   * not even PostgreSQL's implicit one) statement by statement everywhere.
   * A failure is a MigrationFailure naming the statement where known.
   */
  private runScript(sql: string, options: RunOptions): Promise<void> {
    return this.ctx.runSql(this.db, sql, { ...options, as: options.transaction === 'auto' ? 'script' : 'statements' })
  }

  /**
   * On PostgreSQL a script, its `_prisma_migrations` update and core's
   * journal row run in one transaction (`wrapped()`), unless the script
   * names a statement PostgreSQL runs only outside one (CONCURRENTLY, a
   * COMMIT in a DO block): that one runs on its own, as Prisma runs it. On
   * SQLite and MySQL statements apply one by one, as Prisma runs them (its
   * SQLite table rebuilds need PRAGMA foreign_keys outside a transaction).
   */
  async transactional(m: Migration, direction: 'up' | 'down'): Promise<boolean> {
    if (this.target.dialect !== 'postgres') return false
    const file = direction === 'up' ? this.upFile(m) : this.downFile(m)
    return !existsSync(file) || !outsideTransaction.test(this.script(file))
  }

  /**
   * PostgreSQL's transaction around a script (what `transactional()` said):
   * the script as one simple query, as Prisma sends it, then `record` (the
   * ledger update) and core's journal row (RunOptions.journal), one commit.
   */
  private async wrapped(sql: string | undefined, options: RunOptions, record: () => Promise<void>): Promise<void> {
    await this.db.run('BEGIN')
    try {
      if (sql !== undefined) {
        options.capture?.(sql)
        await this.db.runScript(sql)
      }
      await record()
      if (options.signal?.aborted) throw new Error('interrupted before COMMIT')
      if (options.journal) await this.db.run(options.journal.statement())
      await this.db.run('COMMIT')
    } catch (error) {
      await this.db.run('ROLLBACK').catch(() => {})
      throw this.ctx.fail(error, { statement: (error as { statement?: string }).statement, partial: false, always: true })
    }
  }

  /** Does this step run in `wrapped()`? Only with the adapter's own handling ('auto'), where `transactional()` says so. */
  private wraps(file: string, options: RunOptions): boolean {
    return this.target.dialect === 'postgres' && options.transaction === 'auto' && !outsideTransaction.test(this.script(file))
  }

  /**
   * Prisma's row lifecycle (schema-engine's apply_migrations): insert the
   * row (uuid, checksum, started_at) and commit it, run the whole script,
   * then set finished_at and applied_steps_count; on failure write the
   * error to logs and leave finished_at empty, as Prisma does. Where the
   * script runs in a transaction (PostgreSQL, `transactional()`), the row
   * a successful run leaves and core's journal row are written in it: one
   * commit a migration, where Prisma makes four. A failed script still
   * leaves Prisma's failed row with its logs, written after the rollback;
   * only a crash mid-script, which PostgreSQL rolls back, leaves no row
   * instead of a failed one: the migration is pending, as the database is.
   */
  async up(m: Migration, options: RunOptions): Promise<void> {
    this.warnMigrateDev()
    const ledger = await this.held()
    await this.refuseFailed()
    this.refuseApplied(ledger, m)
    await this.ensureLedger()
    const file = this.upFile(m)
    const sql = this.script(file)
    const wrap = this.wraps(file, options)
    this.scripts.delete(file)
    const attempt: Attempt = { id: randomUUID(), name: m.id, finished: false }
    const startedAt = this.now()
    const insert = (finished: boolean, logs: string | null = null) =>
      this.db.run(
        `INSERT INTO ${this.table} (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [attempt.id, sha256(sql), startedAt, finished ? this.now() : null, m.id, logs, finished ? 1 : 0],
      )
    if (wrap) {
      try {
        await this.wrapped(sql, options, () => insert(true))
      } catch (error) {
        // The transaction took the row with it: write the failed one Prisma's own run leaves for a
        // script that failed. Not for an interrupt: the rollback undid all of it, and a failed row
        // would make the rerun (and `prisma migrate deploy`) refuse a migration that is just pending.
        if (
          !options.signal?.aborted &&
          (await insert(false, (error as Error).message).then(
            () => true,
            () => false,
          ))
        )
          this.remember(ledger, attempt)
        throw error
      }
      attempt.finished = true
      this.remember(ledger, attempt)
      return
    }
    await insert(false)
    this.remember(ledger, attempt)
    try {
      await this.runScript(sql, options)
    } catch (error) {
      await this.db.run(`UPDATE ${this.table} SET logs = ? WHERE id = ?`, [(error as Error).message, attempt.id]).catch(() => {})
      throw error
    }
    await this.db.run(`UPDATE ${this.table} SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`, [this.now(), attempt.id])
    attempt.finished = true
    this.failed.delete(attempt)
  }

  /**
   * `mig up --atomic` on PostgreSQL (Prisma has no such mode): every
   * migration of the run with the row a successful `prisma migrate deploy`
   * leaves (started_at, finished_at, applied_steps_count 1) and core's
   * journal row, in one transaction under Prisma's lock. A failure rolls
   * all of it back, rows included: the database and `_prisma_migrations`
   * are as before the run, the migrations pending, none failed. Core
   * refuses it for a script `transactional()` says runs on its own.
   */
  private async atomic(run: AtomicRun): Promise<void> {
    const ledger = await this.held()
    await this.refuseFailed()
    for (const m of run.migrations) this.refuseApplied(ledger, m)
    await this.ensureLedger()
    const applied: Attempt[] = []
    let statement: string | undefined
    await this.db.run('BEGIN')
    try {
      for (const m of run.migrations) {
        // Yield first, so a signal that came during a statement is seen.
        await new Promise((resolve) => setImmediate(resolve))
        if (run.signal?.aborted) throw new Error('interrupted')
        const options = run.options(m)
        const file = this.upFile(m)
        const sql = this.script(file)
        this.scripts.delete(file)
        const startedAt = this.now()
        statement = sql
        options.capture?.(sql)
        await this.db.runScript(sql)
        statement = undefined
        const attempt: Attempt = { id: randomUUID(), name: m.id, finished: true }
        await this.db.run(
          `INSERT INTO ${this.table} (id, checksum, started_at, finished_at, migration_name, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
          [attempt.id, sha256(sql), startedAt, this.now(), m.id],
        )
        await this.db.run(options.journal.statement())
        applied.push(attempt)
      }
      await this.db.run('COMMIT')
    } catch (error) {
      await this.db.run('ROLLBACK').catch(() => {})
      if (error instanceof this.ctx.errors.MigError || run.signal?.aborted) throw error
      throw this.ctx.fail(error, { statement: (error as { statement?: string }).statement ?? statement, partial: false, always: true })
    }
    for (const attempt of applied) this.remember(ledger, attempt)
  }

  /** Run down.sql (a failed migration may have none), then mark the row rolled back: Prisma then sees the migration pending again. */
  async down(m: Migration, options: RunOptions): Promise<void> {
    this.warnMigrateDev()
    const ledger = await this.held()
    const attempt = ledger.get(m.id)?.at(-1)
    if (!attempt)
      throw new this.ctx.errors.MigError(
        'PRISMA_NOT_APPLIED',
        `${this.project.name}: ${m.id} has no row in _prisma_migrations`,
        'run `mig status` to see what is applied',
      )
    const file = this.downFile(m)
    const exists = existsSync(file)
    if (!exists && m.state !== 'failed')
      throw new this.ctx.errors.MigError('NO_DOWN', `${this.project.name}: ${m.id} has no down.sql`, this.downHint(m.id))
    const sql = exists ? this.script(file) : undefined
    this.scripts.delete(file)
    const rollBack = () => this.db.run(`UPDATE ${this.table} SET rolled_back_at = ? WHERE id = ?`, [this.now(), attempt.id])
    if (this.target.dialect === 'postgres' && options.transaction === 'auto' && !(sql && outsideTransaction.test(sql)))
      await this.wrapped(sql, options, rollBack)
    else {
      if (sql !== undefined) await this.runScript(sql, options)
      await rollBack()
    }
    this.forget(ledger, attempt)
  }

  /**
   * `prisma migrate resolve`, as Prisma's schema engine does it under its
   * lock. Applied: refused when already applied (P3008); a failed row is
   * marked rolled back, then a new row is inserted with the checksum,
   * started_at = finished_at and no steps. Rolled back: every failed row of
   * the migration gets rolled_back_at; refused when none is failed (P3012).
   */
  async mark(m: Migration, as: 'applied' | 'rolled-back'): Promise<void> {
    const { MigError } = this.ctx.errors
    const ledger = await this.held()
    await this.ensureLedger()
    const attempts = ledger.get(m.id) ?? []
    const failed = attempts.filter((a) => !a.finished)
    if (as === 'rolled-back' && !failed.length) {
      throw new MigError(
        'PRISMA_NOT_FAILED',
        `${this.project.name}: ${m.id} cannot be marked rolled back because it is not in a failed state (P3012)`,
        'run `mig status` to see its state',
      )
    }
    if (as === 'applied' && attempts.length > failed.length) {
      throw new MigError(
        'PRISMA_ALREADY_APPLIED',
        `${this.project.name}: ${m.id} is already recorded as applied in _prisma_migrations (P3008)`,
        'run `mig status` to see its state',
      )
    }
    const now = this.now()
    for (const attempt of failed) {
      await this.db.run(`UPDATE ${this.table} SET rolled_back_at = ? WHERE id = ?`, [now, attempt.id])
      this.forget(ledger, attempt)
    }
    if (as === 'rolled-back') return
    const file = this.upFile(m)
    if (!existsSync(file))
      throw new MigError(
        'PRISMA_MISSING_FILE',
        `${this.project.name}: ${m.id} has no migration.sql in ${this.prisma.migrationsDir} (P3017)`,
        'restore the migration folder',
      )
    const attempt: Attempt = { id: randomUUID(), name: m.id, finished: true }
    await this.db.run(
      `INSERT INTO ${this.table} (id, checksum, started_at, finished_at, migration_name, applied_steps_count) VALUES (?, ?, ?, ?, ?, 0)`,
      [attempt.id, sha256(readFileSync(file, 'utf8')), now, now, m.id],
    )
    this.remember(ledger, attempt)
  }

  /**
   * mig keeps its journal (and on SQLite its lock row) in the app database.
   * `prisma migrate dev` diffs the whole database against the migrations and
   * would call those tables drift and ask to reset the database, all data
   * lost, unless prisma.config declares them external tables. Say so once
   * per project, with the lines to add (it is advice, not an error: repeating
   * it on every run buries the output that matters). (On PostgreSQL with
   * `?schema=` other than public, Prisma diffs only that schema and mig's
   * tables stay in public.) Not while plan or verify redirect the session:
   * their scratch database is gone before `prisma migrate dev` could see it.
   */
  private warnMigrateDev(): void {
    if (this.redirected) return
    if (this.target.dialect === 'postgres' && this.prisma.pgSchema && this.prisma.pgSchema !== 'public') return
    const ours = this.target.dialect === 'sqlite' ? ['mig_journal', 'mig_lock'] : ['mig_journal']
    const declared = (t: string) => this.prisma.externalTables.some((e) => e === t || e.endsWith(`.${t}`))
    if (ours.every(declared)) return
    const names = ours.map((t) => `'${this.target.dialect === 'postgres' ? `public.${t}` : t}'`).join(', ')
    this.ctx.warnOnce(
      'prisma-external-tables',
      `${this.project.name}: \`prisma migrate dev\` will see ${ours.join(' and ')} as drift and ask to reset the database; ` +
        `declare them external in ${this.prisma.configFile ? basename(this.prisma.configFile) : 'prisma.config.ts'}: experimental: { externalTables: true }, tables: { external: [${names}] }`,
    )
  }

  /**
   * `YYYYMMDDHHMMSS_name/migration.sql` and `down.sql`, as `prisma migrate dev
   * --create-only` names the folder: from templates (the project's, this
   * plugin's where Prisma differs, else core's plain-SQL `up`/`down` ones), or with `fromSchema`
   * from the project's own Prisma CLI — `migrate diff` from the database to
   * the schema (up) and back (down), Prisma's documented way to write a down.
   */
  async create(name: string, template: string, vars: Record<string, unknown>): Promise<string[]> {
    const dir = join(this.prisma.migrationsDir, `${this.ctx.timestamp()}_${name}`)
    const files = vars.fromSchema
      ? Object.entries(await this.fromSchema()).map(([kind, text]) => ({ path: join(dir, `${kind}.sql`), text }))
      : (['migration', 'down'] as const).map((kind) => ({
          path: join(dir, `${kind}.sql`),
          template: `${template}.${kind}.sql`,
          sql: kind === 'migration' ? ('up' as const) : ('down' as const),
        }))
    const written = await this.ctx.writeMigration({ builtIn: templatesDir, name: template, vars, files })
    const lock = join(this.prisma.migrationsDir, 'migration_lock.toml')
    if (!existsSync(lock))
      await writeFile(
        lock,
        `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${this.prisma.provider}"\n`,
      )
    return written
  }

  private async fromSchema(): Promise<{ migration: string; down: string }> {
    const schema = relative(this.project.dir, this.prisma.schemaFile)
    const diff = async (args: string[]) =>
      withoutMigTables(
        await this.ctx.toolCli({
          bin: 'prisma/build/index.js',
          need: { for: "--from-schema needs the project's Prisma CLI", dev: true, otherwise: 'write the SQL by hand (drop --from-schema)' },
          args: ['migrate', 'diff', ...args, '--script'],
          env: this.cliEnv(),
          what: 'prisma migrate diff',
          code: 'PRISMA_DIFF',
          hint: 'run the same `npx prisma migrate diff … --script` in the project to see its full output',
          errorLine: /error|P\d{4}/i,
        }),
      )
    // The database is the "before", the schema the "after": apply pending migrations first.
    return {
      migration: await diff(['--from-config-datasource', '--to-schema', schema]),
      down: await diff(['--from-schema', schema, '--to-config-datasource']),
    }
  }

  /**
   * What the Prisma CLI's environment needs beside the project's, redirected:
   * the variable the URL comes from set to the session's database (never in
   * argv, where a password would show). A URL written into the config
   * itself cannot be redirected so: refused rather than read.
   */
  private cliEnv(): Record<string, string> {
    if (!this.redirected) return {}
    const variable = this.prisma.urlVariable
    if (!variable) {
      throw new this.ctx.errors.MigError(
        'PRISMA_REDIRECT',
        `${this.project.name}: the datasource URL is not read with env("…"), so the Prisma CLI cannot be pointed at the scratch database`,
        'read the URL from an environment variable: url = env("DATABASE_URL") in the schema, or datasource: { url: env(\'DATABASE_URL\') } in prisma.config.ts',
      )
    }
    return { [variable]: this.ctx.redirectUrl(this.prisma.url, this.target) }
  }

  async close(): Promise<void> {
    if (this.locked) await this.db.run('SELECT pg_advisory_unlock(?)', [PRISMA_LOCK]).catch(() => {})
    await this.db.close()
  }
}

/** A file's text, or undefined when it is not there (one read, no separate existence check: list() reads a thousand). */
function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw error
  }
}
