import { AsyncLocalStorage } from 'node:async_hooks'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
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
} from 'mig'
import { type MetaModel, type ProjectConfig, type SequelizeClass, type SequelizeInstance, dialects, readProjectConfig } from './config.js'

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates')

/** sequelize-cli's migration file pattern. */
const migrationFile = /^(?!.*\.d\.ts$).*\.(cjs|js|cts|ts)$/

export const sequelizeAdapter: Adapter = {
  tool: 'sequelize',
  async open(project: ProjectRef, ctx: OpenContext): Promise<Session> {
    // The config files (and a use_env_variable) see the project's environment, by core's one `.env` rule.
    const config = await ctx.withProjectEnv(() => readProjectConfig(project, ctx))
    if (config.env.migrationStorage === 'none') {
      throw new ctx.errors.MigError(
        'SEQUELIZE_STORAGE_NONE',
        `${project.name}: migrationStorage is "none", so nothing records what is applied`,
        'use the default "sequelize" storage (SequelizeMeta) or "json"',
      )
    }
    const e = config.env
    const configured = ctx.toolTarget({
      ...{ option: 'dialect', driver: e.dialect, accepts: dialects, fileOption: 'storage', baseDir: project.dir },
      ...{ host: e.host, port: e.port, user: e.username, password: e.password, database: e.database, file: e.storage },
    })
    const target = ctx.database(configured)
    // Sequelize creates the SQLite storage's folder when it connects, so sequelize-cli works on a fresh checkout; so must mig.
    if (target.file) mkdirSync(dirname(target.file), { recursive: true })
    const options = target.key === configured.key ? config : redirected(config, target, ctx)
    return new SequelizeSession(project, ctx, options, target, await ctx.connect(target))
  },
}

/**
 * plan and verify: the options sequelize-cli would use, on the scratch
 * database `ctx.database()` gave (perhaps on the server `scratch.url`
 * names). A `url` or `use_env_variable` is already merged into the parts,
 * so the parts (SQLite `storage`) are what change. A JSON ledger is a file of the
 * project, which a redirected session must not write; replicas are other
 * servers, where no scratch database is: both refused.
 */
function redirected(config: ProjectConfig, target: DatabaseTarget, ctx: OpenContext): ProjectConfig {
  if (config.env.migrationStorage === 'json')
    throw ctx.scratchRefusal(
      'migrationStorage is "json" (the ledger is a file in the project)',
      'use the default "sequelize" storage (SequelizeMeta) for plan and verify',
    )
  if (config.env.replication)
    throw ctx.scratchRefusal(
      'the config uses replication (read replicas on other servers)',
      'give the environment one connection (host and database, or url) for plan and verify',
    )
  const { url: _url, use_env_variable: _variable, ...env } = config.env
  const { user, password, ...server } = ctx.connectionParts(target)
  // No empty user or password: the driver's own defaults (PGPASSWORD, ~/.pgpass) still apply.
  const where = target.file
    ? { storage: target.file }
    : { ...server, ...(user ? { username: user } : {}), ...(password ? { password } : {}) }
  return { ...config, env: { ...env, ...where } }
}

/**
 * Reads go through core's connection (SequelizeMeta, or the JSON storage
 * file), so `mig status` never loads sequelize; up and down load the
 * project's sequelize and run each migration as sequelize-cli's migrator
 * does (its umzug 2): `up(queryInterface, Sequelize)`, then the ledger row
 * through the same `SequelizeMeta` model umzug's storage defines. The
 * model is synced once a session, not once a migration, and no plan is
 * re-read per step: core lists once under its lock and steps through it.
 */
class SequelizeSession implements Session {
  private sequelize: { Sequelize: SequelizeClass; instance: SequelizeInstance } | undefined
  private model: Promise<MetaModel> | undefined
  private hearing: StatementRecorder | undefined
  private readonly table: string
  private readonly schema: string | undefined
  private readonly loadFile: (file: string) => Promise<unknown>
  readonly ledgerTables: string[]

  constructor(
    private readonly project: ProjectRef,
    private readonly ctx: OpenContext,
    private readonly config: ProjectConfig,
    readonly target: DatabaseTarget,
    private readonly db: Db,
  ) {
    this.table = config.env.migrationStorageTableName ?? 'SequelizeMeta'
    this.schema = config.env.migrationStorageTableSchema
    this.ledgerTables = this.jsonStorage ? [] : [this.schema ? `${this.schema}.${this.table}` : this.table]
    // As sequelize-cli loads them: Node's require for CommonJS; TypeScript and ESM too. One loader a session.
    this.loadFile = ctx.loader({ native: true, moduleCache: true })
  }

  private get jsonStorage(): string | undefined {
    if (this.config.env.migrationStorage !== 'json') return undefined
    return this.config.env.migrationStoragePath ?? join(this.project.dir, 'sequelize-meta.json')
  }

  private files(): string[] {
    if (!existsSync(this.config.migrationsDir)) return []
    return readdirSync(this.config.migrationsDir)
      .filter((f) => migrationFile.test(f))
      .sort()
  }

  private readJson(file: string): string[] {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : []
  }

  private async executed(): Promise<string[]> {
    const json = this.jsonStorage
    if (json) return this.readJson(json)
    const rows = await this.ctx.readLedger<{ name: string }>(this.db, { table: this.table, schema: this.schema, columns: ['name'] })
    return rows.map((r) => r.name).sort()
  }

  async list(): Promise<Migration[]> {
    const human = (id: string) => id.replace(/\.[^.]+$/, '').replace(/^\d+-/, '')
    const disk = this.files().map((id) => ({ id, files: [join(this.config.migrationsDir, id)] }))
    return this.ctx.mergeLedger(
      (await this.executed()).map((id) => ({ id })),
      disk,
      human,
    )
  }

  private instance(): { Sequelize: SequelizeClass; instance: SequelizeInstance } {
    if (!this.sequelize) {
      const mod = this.ctx.require<{ Sequelize?: SequelizeClass } & SequelizeClass>('sequelize')
      const Sequelize = mod.Sequelize ?? mod
      // The options sequelize-cli builds (the URL already merged in), so both open the same database the same way.
      const instance = new Sequelize({
        ...this.config.env,
        logging: (sql: string) => this.hearing?.hear(sql.replace(/^Executing \([^)]*\): /, '')),
      })
      this.sequelize = { Sequelize, instance }
    }
    return this.sequelize
  }

  /**
   * umzug's SequelizeStorage model as sequelize-cli configures it: `name`
   * the primary key, timestamps when the config asks or the table already
   * has them (sequelize-cli's ensureCurrentMetaSchema), synced (CREATE
   * TABLE IF NOT EXISTS) once a session; sequelize-cli creates a
   * PostgreSQL `migrationStorageTableSchema` first.
   */
  private meta(): Promise<MetaModel> {
    this.model ??= (async () => {
      const { Sequelize, instance } = this.instance()
      const queryInterface = instance.getQueryInterface()
      if (this.schema && this.schema !== 'public' && this.target.dialect === 'postgres') await instance.createSchema(this.schema)
      const existing = await queryInterface
        .describeTable(this.table, this.schema ? { schema: this.schema } : undefined)
        .catch(() => undefined)
      const model = instance.define(
        'SequelizeMeta',
        { name: { type: Sequelize.STRING, allowNull: false, unique: true, primaryKey: true, autoIncrement: false } },
        {
          tableName: this.table,
          schema: this.schema,
          timestamps: Boolean(this.config.env.migrationTimestamps) || Boolean(existing && 'createdAt' in existing),
          charset: 'utf8',
          collate: 'utf8_unicode_ci',
        },
      )
      await model.sync()
      return model
    })()
    return this.model
  }

  /** Write (or remove) the ledger row as umzug's storage does after a migration: SequelizeMeta, or the JSON file. */
  private async record(m: Migration, direction: 'up' | 'down', transaction?: unknown): Promise<void> {
    const json = this.jsonStorage
    if (json) {
      const names = this.readJson(json)
      const next = direction === 'up' ? [...names, m.id] : names.filter((n) => n !== m.id)
      mkdirSync(dirname(json), { recursive: true })
      writeFileSync(json, JSON.stringify(next, null, 2))
      return
    }
    const model = await this.meta()
    const options = transaction ? { transaction } : {}
    if (direction === 'up') await model.create({ name: m.id }, options)
    else await model.destroy({ where: { name: m.id }, ...options })
  }

  private async functionOf(m: Migration, direction: 'up' | 'down'): Promise<MigrationFunction> {
    const file = m.files[0]
    if (!file)
      throw new this.ctx.errors.MigError(
        'SEQUELIZE_MISSING_FILE',
        `${this.project.name}: ${m.id} is in ${this.table} but its file is gone`,
        `restore it in ${this.config.migrationsDir}`,
      )
    const ref = { id: m.id, file, parameters: 'queryInterface, Sequelize' }
    return this.ctx.migrationFunction<MigrationFunction>(await this.loadFile(file), direction, ref)
  }

  /** Run a migration's function with `recorder` hearing Sequelize's log: only while it runs, not the ledger or journal writes. */
  private async heard(recorder: StatementRecorder, fn: MigrationFunction): Promise<void> {
    const { Sequelize, instance } = this.instance()
    this.hearing = recorder
    try {
      await fn(instance.getQueryInterface(), Sequelize)
    } finally {
      this.hearing = undefined
    }
  }

  /**
   * With `options.transaction` (mig.config) and a dialect whose DDL is
   * transactional, the migration, its SequelizeMeta row and core's journal
   * row share one transaction: a CLS namespace over AsyncLocalStorage hands
   * it to every query the migration makes. Off by default, as sequelize-cli.
   */
  private async step(m: Migration, direction: 'up' | 'down', options: RunOptions): Promise<void> {
    const fn = await this.functionOf(m, direction)
    const wantsTransaction = this.project.options.transaction === true && options.transaction === 'auto'
    if (wantsTransaction && this.target.dialect === 'mysql')
      this.ctx.warn(`${this.project.name}: MySQL/MariaDB cannot roll back DDL; running ${m.id} without a transaction`)
    const transactional = wantsTransaction && this.target.dialect !== 'mysql' && !this.jsonStorage
    const recorder = this.ctx.recorder(options, [this.table])
    try {
      if (!this.jsonStorage) await this.meta()
      if (transactional) {
        await this.transaction(async (transaction) => {
          await this.heard(recorder, fn)
          await this.record(m, direction, transaction)
          if (options.journal) await this.instance().instance.query(options.journal.statement(), { transaction })
        })
      } else {
        await this.heard(recorder, fn)
        await this.record(m, direction)
      }
    } catch (error) {
      if (error instanceof this.ctx.errors.MigError) throw error
      throw this.ctx.fail(error, { statement: recorder.last, partial: !transactional })
    }
  }

  /** One Sequelize transaction, handed to every query made inside it (CLS). */
  private transaction<T>(fn: (transaction: unknown) => Promise<T>): Promise<T> {
    const { Sequelize, instance } = this.instance()
    enableCls(Sequelize)
    return instance.transaction(fn)
  }

  /** As sequelize-cli runs it: no transaction, unless the project's `transaction` option asks for one on a dialect whose DDL can roll back. */
  async transactional(): Promise<boolean> {
    return this.project.options.transaction === true && this.target.dialect !== 'mysql' && !this.jsonStorage
  }

  up(m: Migration, options: RunOptions): Promise<void> {
    return this.step(m, 'up', options)
  }

  down(m: Migration, options: RunOptions): Promise<void> {
    return this.step(m, 'down', options)
  }

  /**
   * `mig up --atomic`: every migration of the run, its SequelizeMeta row and
   * core's journal row in one Sequelize transaction (handed to the
   * migrations' queries through CLS); any failure rolls all of it back.
   */
  async upAtomic(run: AtomicRun): Promise<void> {
    if (this.jsonStorage)
      throw new this.ctx.errors.MigError(
        'SEQUELIZE_ATOMIC_JSON',
        `${this.project.name}: migrationStorage is "json", a file no database transaction covers, so --atomic cannot roll it back`,
        'run `mig up` without --atomic, or use the default "sequelize" storage (SequelizeMeta)',
      )
    const functions = new Map<Migration, MigrationFunction>()
    for (const m of run.migrations) functions.set(m, await this.functionOf(m, 'up'))
    let recorder: StatementRecorder | undefined
    try {
      await this.meta()
      await this.transaction(async (transaction) => {
        for (const m of run.migrations) {
          // Yield first, so a signal that came during a synchronous statement is seen.
          await new Promise((resolve) => setImmediate(resolve))
          if (run.signal?.aborted) throw new Error('interrupted')
          const options = run.options(m)
          recorder = this.ctx.recorder(options, [this.table])
          await this.heard(recorder, functions.get(m)!)
          await this.record(m, 'up', transaction)
          await this.instance().instance.query(options.journal.statement(), { transaction })
        }
      })
    } catch (error) {
      if (error instanceof this.ctx.errors.MigError || run.signal?.aborted) throw error
      throw this.ctx.fail(error, { statement: recorder?.last, partial: false })
    }
  }

  /** The row umzug's storage writes after a migration runs, or removes after it is reverted. */
  async mark(m: Migration, as: 'applied' | 'rolled-back'): Promise<void> {
    if (as === 'applied') await this.record(m, 'up')
    else if ((await this.executed()).includes(m.id)) await this.record(m, 'down')
  }

  /** `YYYYMMDDHHMMSS-name.js`, as `sequelize-cli migration:generate` names it. */
  async create(name: string, template: string, vars: Record<string, unknown>): Promise<string[]> {
    const file = join(this.config.migrationsDir, `${this.ctx.timestamp()}-${name}.js`)
    return this.ctx.writeMigration({ builtIn: templatesDir, name: template, vars, files: [{ path: file }] })
  }

  async close(): Promise<void> {
    await this.sequelize?.instance.close()
    await this.db.close()
  }
}

type MigrationFunction = (queryInterface: unknown, S: unknown) => unknown

/** Sequelize 6's CLS contract (get, set, run, bind) over Node's AsyncLocalStorage, instead of the cls-hooked package. */
function enableCls(Sequelize: SequelizeClass): void {
  if (Sequelize._cls) return
  const storage = new AsyncLocalStorage<Map<string, unknown>>()
  Sequelize.useCLS({
    get: (key: string) => storage.getStore()?.get(key),
    set: (key: string, value: unknown) => storage.getStore()?.set(key, value),
    run: (fn: (context: Map<string, unknown>) => unknown) => {
      const context = new Map(storage.getStore())
      return storage.run(context, () => fn(context))
    },
    bind: <F>(fn: F) => fn,
  })
}
