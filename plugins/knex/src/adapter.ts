import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  Adapter,
  AtomicRun,
  DatabaseTarget,
  Db,
  Migration,
  OpenContext,
  ProjectRef,
  RunOptions,
  Session,
  StatementRecorder,
  ToolLock,
} from 'mig'
import type { Knex } from 'knex'
import { type KnexInstance, type KnexTarget, type LoadedKnexfile, loadKnexfile, targetOf } from './knexfile.js'
import { directoriesOf, listMigrationFiles } from './source.js'

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates')

export const knexAdapter: Adapter = {
  tool: 'knex',
  async open(project: ProjectRef, ctx: OpenContext): Promise<Session> {
    // The knexfile (and a connection function) reads process.env: give it the project's environment.
    const { loaded, where } = await ctx.withProjectEnv(async () => {
      const loaded = await loadKnexfile(project, ctx)
      return { loaded, where: await targetOf(loaded, ctx, project) }
    })
    return new KnexSession(project, ctx, loaded, where, await ctx.connect(where.target))
  },
}

/**
 * node-sqlite3 (knex's `sqlite3` client) fails at once on a file another
 * process is writing; better-sqlite3 waits 5 s by default. Wait as core's own
 * connections do, keeping the user's own afterCreate.
 */
function busyTimeout(config: LoadedKnexfile['config']): { afterCreate?: AfterCreate } {
  if (config.client !== 'sqlite3') return {}
  const own = (config.pool as { afterCreate?: AfterCreate } | undefined)?.afterCreate
  return {
    afterCreate: (conn, done) =>
      (conn as { run(sql: string, cb: (error: unknown) => void): void }).run('PRAGMA busy_timeout = 10000', (error) =>
        error || !own ? done(error ?? undefined) : own(conn, done),
      ),
  }
}

type AfterCreate = (conn: unknown, done: (error?: unknown) => void) => void

/**
 * A schema target: knex sets `searchPath` when it connects, but the
 * knexfile's own afterCreate runs after that and may set another; set the
 * tenant's again after it, so no hook sends a migration to another schema.
 */
function tenantPath(config: LoadedKnexfile['config'], searchPath: string | undefined): { afterCreate?: AfterCreate } {
  const own = (config.pool as { afterCreate?: AfterCreate } | undefined)?.afterCreate
  if (searchPath === undefined || !own) return {}
  const set = `SET search_path TO "${searchPath.replace(/"/g, '""')}"`
  return {
    afterCreate: (conn, done) =>
      own(conn, (error) =>
        error ? done(error) : (conn as { query(sql: string, cb: (error: unknown) => void): void }).query(set, (e) => done(e ?? undefined)),
      ),
  }
}

interface Row {
  id: number
  name: string
  batch: number
  migration_time: unknown
}

interface MigrationModule {
  up?: (knex: KnexInstance) => unknown
  down?: (knex: KnexInstance) => unknown
  config?: { transaction?: boolean }
}

/**
 * Reads (list, the lock) go through core's connection, so `mig status` never
 * loads knex; up and down load the project's knex on first use.
 */
class KnexSession implements Session {
  private readonly modules = new Map<string, MigrationModule>()
  private batch: number | undefined
  private tablesReady = false
  private instance: KnexInstance | undefined
  private hearing: StatementRecorder | undefined
  /** PostgreSQL: the transaction pipelinedStep began for the migration core runs next, knex's lock taken. */
  private ahead: { id: string; trx: Knex.Transaction } | undefined
  private readonly table: string
  private readonly lockTable: string
  private readonly schema: string | undefined
  private readonly base: string
  private readonly loadFile: (file: string) => Promise<unknown>
  readonly target: DatabaseTarget
  /** knex's ledger and lock, as the knexfile names them (`schema.table` with migrations.schemaName): plan copies them to its scratch database. */
  readonly ledgerTables: readonly string[]

  constructor(
    private readonly project: ProjectRef,
    private readonly ctx: OpenContext,
    private readonly loaded: LoadedKnexfile,
    private readonly where: KnexTarget,
    private readonly db: Db,
  ) {
    this.target = where.target
    this.table = loaded.config.migrations?.tableName ?? 'knex_migrations'
    this.lockTable = `${this.table}_lock`
    this.schema = loaded.config.migrations?.schemaName
    this.ledgerTables = [this.table, this.lockTable].map((t) => (this.schema ? `${this.schema}.${t}` : t))
    this.base = dirname(loaded.file)
    this.loadFile = ctx.loader({ native: true })
  }

  private get knex(): KnexInstance {
    if (!this.instance) {
      // The user's own knex, from the project: never a copy of ours.
      const mod = this.ctx.require<{ knex?: unknown; default?: unknown }>('knex')
      const knex = (typeof mod === 'function' ? mod : (mod.knex ?? mod.default)) as (config: unknown) => KnexInstance
      const sqlite = this.target.dialect === 'sqlite' ? { useNullAsDefault: this.loaded.config.useNullAsDefault ?? true } : {}
      // One connection, keeping the knexfile's own pool hooks (an afterCreate that sets search_path).
      this.instance = knex({
        ...this.loaded.config,
        connection: this.where.connection,
        ...(this.where.searchPath !== undefined ? { searchPath: [this.where.searchPath] } : {}),
        pool: {
          ...(this.loaded.config.pool as object | undefined),
          min: 0,
          max: 1,
          ...busyTimeout(this.loaded.config),
          ...tenantPath(this.loaded.config, this.where.searchPath),
        },
        ...sqlite,
      })
      this.instance.on('query', (q: { sql: string }) => this.hearing?.hear(q.sql))
    }
    return this.instance
  }

  /**
   * Send the ledger write with what follows it in the transaction as one
   * simple query: PostgreSQL through node-postgres (pg-native binds even an
   * empty parameter list, and a bound query holds one statement), with a
   * core that writes literals (`ctx.literal`, mig 0.1 had none).
   */
  private get pipelined(): boolean {
    const client = this.loaded.config.client
    return (
      this.target.dialect === 'postgres' &&
      typeof this.ctx.literal === 'function' &&
      (client === 'pg' || client === 'postgres' || client === 'postgresql')
    )
  }

  private from(trx: KnexInstance, table: string): ReturnType<KnexInstance['table']> {
    return this.schema ? trx.withSchema(this.schema).table(table) : trx(table)
  }

  /** A table name for core's connection, schema-qualified and quoted for the dialect. */
  private qualified(table: string): string {
    return this.ctx.quoteName(this.target.dialect, table, this.schema)
  }

  /** knex writes migration_time through its driver, which sends MySQL the process's local time. */
  private timeOf(row: Row): Date | undefined {
    return this.ctx.readTime(row.migration_time, 'local')
  }

  private rows(): Promise<Row[]> {
    return this.ctx.readLedger<Row>(this.db, {
      table: this.table,
      schema: this.schema,
      columns: ['id', 'name', 'batch', 'migration_time'],
      orderBy: 'id',
    })
  }

  async list(): Promise<Migration[]> {
    const [files, rows] = await Promise.all([listMigrationFiles(this.loaded.config, this.base), this.rows()])
    const ledger = rows.map((r) => ({ id: r.name, appliedAt: this.timeOf(r)?.toISOString(), batch: Number(r.batch) }))
    return this.ctx.mergeLedger(
      ledger,
      files.map((f) => ({ id: f.name, files: [f.path] })),
      humanName,
    )
  }

  async up(m: Migration, options: RunOptions): Promise<void> {
    await this.ensureTables()
    const batch = await this.nextBatch()
    await this.step(m, 'up', options, { write: (trx) => this.insert(trx, m, batch), sql: () => this.insertSql(m, batch) })
  }

  /**
   * `mig up --atomic`: knex's own `migrate:latest` shape, every migration of
   * the run and its knex_migrations row (one batch) in one transaction under
   * knex's lock, with core's journal rows; any failure rolls all of it back.
   */
  async upAtomic(run: AtomicRun): Promise<void> {
    await this.settle()
    await this.ensureTables()
    const batch = await this.nextBatch()
    const modules = new Map<Migration, (knex: KnexInstance) => unknown>()
    for (const m of run.migrations) modules.set(m, await this.functionOf(m, 'up'))
    let recorder: StatementRecorder | undefined
    let writingLedger = false
    try {
      await this.knex.transaction(async (trx) => {
        await this.lock(
          trx,
          run.migrations.map((m) => m.id),
          false,
        )
        for (const m of run.migrations) {
          // Yield first, so a signal that came during a synchronous statement is seen.
          await new Promise((resolve) => setImmediate(resolve))
          if (run.signal?.aborted) throw new Error('interrupted')
          const options = run.options(m)
          recorder = this.ctx.recorder(options, [this.table, this.lockTable])
          await this.heard(recorder, () => modules.get(m)!(trx))
          if (this.pipelined) {
            writingLedger = true
            await trx.raw(`${this.insertSql(m, batch)};\n${options.journal.statement()}`)
            writingLedger = false
          } else {
            await this.insert(trx, m, batch)
            await trx.raw(options.journal.statement())
          }
        }
        await this.unlock(trx)
      })
    } catch (error) {
      if (error instanceof this.ctx.errors.MigError || run.signal?.aborted) throw error
      throw this.ctx.fail(error, { statement: writingLedger ? LEDGER_WRITE : recorder?.last, partial: false })
    }
  }

  /** One batch per session, as one `knex migrate:latest` is one batch. */
  private async nextBatch(): Promise<number> {
    if (this.batch === undefined) {
      const [row] = (await this.from(this.knex, this.table).max('batch', { as: 'batch' })) as { batch?: number }[]
      this.batch = Number(row?.batch ?? 0) + 1
    }
    return this.batch
  }

  private insert(trx: KnexInstance, m: Migration, batch: number): PromiseLike<unknown> {
    return this.from(trx, this.table).insert({ name: m.id, batch, migration_time: new Date() })
  }

  /**
   * insert() as SQL text, its values written in by ctx.literal (no `?` for
   * knex to take for a placeholder): PostgreSQL sends it with what follows
   * it in the transaction as one simple query, one round trip.
   */
  private insertSql(m: Migration, batch: number): string {
    const lit = (value: string | number) => this.ctx.literal(this.target.dialect, value)
    return `INSERT INTO ${this.qualified(this.table)} (name, batch, migration_time) VALUES (${lit(m.id)}, ${lit(batch)}, ${lit(localTime(new Date()))})`
  }

  /** The row knex writes after running a migration (a new batch, as a run), or its removal, under knex's own lock. */
  async mark(m: Migration, as: 'applied' | 'rolled-back'): Promise<void> {
    await this.settle()
    await this.ensureTables()
    const batch = as === 'applied' ? await this.nextBatch() : 0
    await this.knex.transaction(async (trx) => {
      // Marking says what the ledger should hold, whatever it holds now: nothing to read again.
      await this.lock(trx, [], false)
      if (as === 'applied') await this.insert(trx, m, batch)
      else await this.from(trx, this.table).where({ name: m.id }).del()
      await this.unlock(trx)
    })
  }

  async down(m: Migration, options: RunOptions): Promise<void> {
    await this.ensureTables()
    await this.step(m, 'down', options, {
      write: (trx) => this.from(trx, this.table).where({ name: m.id }).del(),
      sql: () => `DELETE FROM ${this.qualified(this.table)} WHERE name = ${this.ctx.literal(this.target.dialect, m.id)}`,
    })
  }

  /**
   * One migration the way knex's migrator runs a batch of one: take
   * knex_migrations_lock, run the module, write knex_migrations, free the
   * lock; all in one transaction unless the file (config.transaction = false)
   * or the knexfile (disableTransactions) says otherwise. `ledger` is the
   * knex_migrations write, through knex and as SQL text.
   */
  private async step(
    m: Migration,
    direction: 'up' | 'down',
    options: RunOptions,
    ledger: { write(trx: KnexInstance): PromiseLike<unknown>; sql(): string },
  ): Promise<void> {
    const fn = await this.functionOf(m, direction)
    const transactional = options.transaction === 'auto' && (await this.knexTransaction(m))
    const recorder = this.ctx.recorder(options, [this.table, this.lockTable])
    if (transactional && this.pipelined) return this.pipelinedStep(m, direction, fn, options, recorder, ledger.sql())
    await this.settle()
    try {
      if (transactional) {
        await this.knex.transaction(async (trx) => {
          await this.lock(trx, [m.id], direction === 'down')
          await this.heard(recorder, () => fn(trx))
          await ledger.write(trx)
          await this.unlock(trx)
          // Core's journal row commits with the migration: one commit, on one connection (one SQLite handle).
          if (options.journal) await trx.raw(options.journal.statement())
        })
      } else {
        await this.knex.transaction((trx) => this.lock(trx, [m.id], direction === 'down'))
        try {
          await this.heard(recorder, () => fn(this.knex))
          await ledger.write(this.knex)
        } finally {
          await this.unlock(this.knex)
        }
      }
    } catch (error) {
      if (error instanceof this.ctx.errors.MigError) throw error
      // On MySQL the migration's DDL committed the lock row with it; knex frees its lock after any failure but a lock error.
      await Promise.resolve(this.unlock(this.knex)).catch(() => {})
      throw this.ctx.fail(error, { statement: recorder.last, partial: !transactional || this.target.dialect === 'mysql' })
    }
  }

  /**
   * step() on PostgreSQL, in as many round trips as knex's own run of one
   * transaction: after the migration, its knex_migrations row, the unlock,
   * core's journal row and COMMIT go as one simple query, and when core runs
   * another migration of this session next (RunOptions.next) that knex runs
   * in a transaction, that one's BEGIN and knex's lock go with them. That
   * transaction waits in `ahead` for its up()/down(); any other call, and
   * close(), rolls it back.
   */
  private async pipelinedStep(
    m: Migration,
    direction: 'up' | 'down',
    fn: (knex: KnexInstance) => unknown,
    options: RunOptions,
    recorder: StatementRecorder,
    ledgerSql: string,
  ): Promise<void> {
    const ahead = this.ahead?.id === m.id ? this.ahead : undefined
    if (ahead) this.ahead = undefined
    else await this.settle()
    let trx = ahead?.trx
    if (!trx) {
      trx = await this.knex.transaction()
      try {
        await this.lock(trx, [m.id], direction === 'down')
      } catch (error) {
        await trx.rollback().catch(() => {})
        if (error instanceof this.ctx.errors.MigError) throw error
        throw this.ctx.fail(error, { statement: recorder.last, partial: false })
      }
    }
    // From here the transaction is this step's: it ends committed, handed to the next step, or rolled back.
    let open = true
    try {
      try {
        await this.heard(recorder, () => fn(trx))
      } catch (error) {
        throw this.ctx.fail(error, { statement: recorder.last, partial: false })
      }
      // A next file that fails to load is that step's failure, not this one's: begin nothing for it.
      const next = options.next && (await this.knexTransaction(options.next).catch(() => false)) ? options.next : undefined
      const script = [ledgerSql, `UPDATE ${this.qualified(this.lockTable)} SET is_locked = 0`]
      if (options.journal) script.push(options.journal.statement())
      // The next one's lock, and whether another run applied or reverted it while mig waited for that lock (knex reads its ledger again too).
      if (next) script.push('COMMIT', 'BEGIN', this.lockSql(), this.ledgerSql(next.id))
      const sql = script.join(';\n')
      let results: unknown
      try {
        results = await trx.raw(sql)
        if (!next) {
          await trx.commit()
          open = false
          // knex settles commit() either way and rejects executionPromise when COMMIT failed.
          await trx.executionPromise
          return
        }
      } catch (error) {
        // knex puts the query before the server's message: the query is LEDGER_WRITE, the message is what failed.
        const message = errorText(error).startsWith(`${sql} - `) ? errorText(error).slice(sql.length + 3) : errorText(error)
        if (!next) throw this.ctx.fail(error, { statement: LEDGER_WRITE, partial: false, message })
        await trx.rollback().catch(() => {})
        open = false
        // The COMMIT in the script may have run before what failed (the next one's lock): the ledger says.
        const kept = await this.inLedger(m.id).catch(() => undefined)
        if (kept === (direction === 'up')) return
        // Not known here (the server may have dropped both connections): core reads the ledger again on a new one.
        if (kept === undefined) throw this.ctx.fail(error, { statement: LEDGER_WRITE, partial: false, unknown: true, message })
        throw this.ctx.fail(error, { statement: LEDGER_WRITE, partial: false, message })
      }
      const [took, found] = Array.isArray(results) ? (results as { rowCount?: number; rows?: unknown[] }[]).slice(-2) : []
      // Taken, and the next one is as the plan has it: its step runs in this transaction. Else that step takes the lock itself and says why it cannot.
      if (took?.rowCount === 1 && (found?.rows?.length ?? 0) > 0 === (direction === 'down')) {
        this.ahead = { id: next.id, trx }
        open = false
      }
    } finally {
      if (open) await trx.rollback().catch(() => {})
    }
  }

  /** Roll back a transaction begun for a step core did not run next (pipelinedStep). */
  private async settle(): Promise<void> {
    const ahead = this.ahead
    this.ahead = undefined
    if (ahead) await ahead.trx.rollback()
  }

  /** Whether knex_migrations holds `name`, read on core's connection. */
  private async inLedger(name: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM ${this.qualified(this.table)} WHERE name = ${this.ctx.literal(this.target.dialect, name)}`,
    )
    return rows.length > 0
  }

  private async functionOf(m: Migration, direction: 'up' | 'down'): Promise<(knex: KnexInstance) => unknown> {
    return this.ctx.migrationFunction<(knex: KnexInstance) => unknown>(await this.load(m), direction, {
      id: m.id,
      file: m.files[0] ?? m.id,
      parameters: 'knex',
    })
  }

  /**
   * Run a migration's function with `recorder` hearing knex's query log:
   * only while it runs, as knex takes its lock and writes its ledger on the
   * same connection.
   */
  private async heard(recorder: StatementRecorder, fn: () => unknown): Promise<void> {
    this.hearing = recorder
    try {
      await fn()
    } finally {
      this.hearing = undefined
    }
  }

  /**
   * knex's lock, as knex takes it, then the ledger read again under it (as
   * knex's migrator does): `ids` must be in knex_migrations (`applied`) or
   * not, or another run changed them while mig waited for the lock.
   */
  private async lock(trx: KnexInstance, ids: readonly string[], applied: boolean): Promise<void> {
    const updated = await this.from(trx, this.lockTable).where('is_locked', '=', 0).update({ is_locked: 1 })
    if (updated !== 1) {
      throw new this.ctx.errors.MigError(
        'KNEX_LOCKED',
        `${this.project.name}: knex's migration lock (${this.lockTable}) is held`,
        'a `knex migrate` run is active, or one crashed: `mig unlock` shows it, `mig unlock --release` frees it',
      )
    }
    const present = new Set<string>()
    for (let i = 0; i < ids.length; i += 500) {
      const rows = (await this.from(trx, this.table)
        .whereIn('name', ids.slice(i, i + 500))
        .select('name')) as { name: string }[]
      for (const r of rows) present.add(r.name)
    }
    const changed = ids.find((id) => present.has(id) !== applied)
    if (changed !== undefined)
      throw new this.ctx.errors.MigError(
        'KNEX_LEDGER_CHANGED',
        `${this.project.name}: ${changed} was ${applied ? 'reverted' : 'applied'} by another run (knex_migrations says so) while mig waited for knex's lock`,
        'nothing of it ran here; `mig status` shows where the project stands now',
      )
  }

  /** The knex_migrations row of `id`, as SQL text for pipelinedStep's script. */
  private ledgerSql(id: string): string {
    return `SELECT name FROM ${this.qualified(this.table)} WHERE name = ${this.ctx.literal(this.target.dialect, id)}`
  }

  /** lock() as SQL text, for pipelinedStep's script: its row count says whether it took the lock. */
  private lockSql(): string {
    return `UPDATE ${this.qualified(this.lockTable)} SET is_locked = 1 WHERE is_locked = 0`
  }

  private unlock(trx: KnexInstance): PromiseLike<unknown> {
    return this.from(trx, this.lockTable).update({ is_locked: 0 })
  }

  /**
   * The ledger tables as knex's table-creator (lib/migrations/migrate) builds
   * them, through knex's public schema builder: knex_migrations, then
   * knex_migrations_lock with its one unlocked row.
   */
  private async ensureTables(): Promise<void> {
    // Once a session: core opens one per run and calls up/down under its lock. Tables dropped mid-run fail the next step, which rolls back.
    if (this.tablesReady) return
    const schema = () => (this.schema ? this.knex.schema.withSchema(this.schema) : this.knex.schema)
    if (!(await schema().hasTable(this.table))) {
      await schema().createTable(this.table, (t) => {
        t.increments()
        t.string('name')
        t.integer('batch')
        t.timestamp('migration_time')
      })
    }
    if (!(await schema().hasTable(this.lockTable))) {
      await schema().createTable(this.lockTable, (t) => {
        t.increments('index').primary()
        t.integer('is_locked')
      })
    }
    if (!(await this.from(this.knex, this.lockTable).select('*')).length)
      await this.from(this.knex, this.lockTable).insert({ is_locked: 0 })
    this.tablesReady = true
  }

  private async load(m: Migration): Promise<MigrationModule> {
    const path = m.files[0]
    if (!path)
      throw new this.ctx.errors.MigError(
        'KNEX_MISSING_FILE',
        `${this.project.name}: ${m.id} is in ${this.table} but its file is gone`,
        `restore it in ${directoriesOf(this.loaded.config, this.base).join(' or ')}`,
      )
    // Loaded once a session: transactional() and the step both need it.
    let module = this.modules.get(path)
    if (!module) {
      module = (await this.loadFile(path)) as MigrationModule
      this.modules.set(path, module)
    }
    return module
  }

  /** As knex runs it: in a transaction unless the file or the knexfile opts out; MySQL's DDL commits on its own. */
  async transactional(m: Migration): Promise<boolean> {
    return this.target.dialect !== 'mysql' && (await this.knexTransaction(m))
  }

  /** knex wraps a migration in a transaction unless the file (config.transaction) or the knexfile (disableTransactions) opts out. */
  private async knexTransaction(m: Migration): Promise<boolean> {
    const perFile = (await this.load(m)).config?.transaction
    return typeof perFile === 'boolean' ? perFile : !this.loaded.config.migrations?.disableTransactions
  }

  async toolLock(): Promise<ToolLock | undefined> {
    if (!(await this.db.tableExists(this.lockTable, this.schema))) return undefined
    const rows = await this.db.query<{ is_locked: number }>(`SELECT is_locked FROM ${this.qualified(this.lockTable)}`)
    const held = rows.some((r) => Number(r.is_locked) === 1)
    const last = (await this.rows()).at(-1)
    const ran = last && this.timeOf(last)
    return {
      name: this.lockTable,
      held,
      ...(held && ran ? { since: `the last knex migration ran at ${ran.toISOString()}, ${ago(ran)} ago` } : {}),
      release: async () => {
        await this.db.run(`UPDATE ${this.qualified(this.lockTable)} SET is_locked = 0`)
      },
    }
  }

  async create(name: string, template: string, vars: Record<string, unknown>): Promise<string[]> {
    const dir = directoriesOf(this.loaded.config, this.base)[0]!
    // No migrations yet: the knexfile's `migrations.extension`, else the knexfile's own.
    const fallback = this.loaded.config.migrations?.extension ?? (extname(this.loaded.file) === '.ts' ? 'ts' : 'js')
    const { extension, module } = this.ctx.migrationFlavour(dir, ['js', 'ts', 'cjs', 'mjs'], fallback)
    const path = join(dir, `${this.ctx.timestamp()}_${name}.${extension}`)
    return this.ctx.writeMigration({
      builtIn: templatesDir,
      name: template,
      vars,
      files: [{ path, template: `${template}.${module}.txt` }],
    })
  }

  async close(): Promise<void> {
    await this.settle().catch(() => {})
    await this.instance?.destroy()
    await this.db.close()
  }
}

/** Named as the failing statement when the query holding the knex_migrations row, the unlock and core's journal row, or the COMMIT after it, fails (PostgreSQL). */
const LEDGER_WRITE = "knex's ledger row (knex_migrations) and mig's journal row, or the COMMIT after them, sent after the migration ran"

/** A time as node-postgres sends a Date (local time and its offset), so a `timestamp` column without a zone gets what knex's own insert gives it. */
function localTime(d: Date): string {
  const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0')
  const offset = -d.getTimezoneOffset()
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  return `${date}T${time}${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const humanName = (file: string): string => file.replace(/\.[^.]+$/, '').replace(/^\d+[_-]/, '')

function ago(date: Date): string {
  const s = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000))
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`
}
