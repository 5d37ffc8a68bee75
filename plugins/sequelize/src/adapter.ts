import { AsyncLocalStorage } from 'node:async_hooks'
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Adapter, DatabaseTarget, Db, Migration, OpenContext, ProjectRef, RunOptions, Session } from 'mig'
import { type ProjectConfig, type SequelizeClass, type SequelizeInstance, dialects, readProjectConfig } from './config.js'

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
 * project's sequelize and drive umzug with its SequelizeStorage, as
 * sequelize-cli does.
 */
class SequelizeSession implements Session {
  private sequelize: { Sequelize: SequelizeClass; instance: SequelizeInstance } | undefined
  private log: ((sql: string) => void) | undefined
  private readonly table: string
  private readonly schema: string | undefined
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

  private async executed(): Promise<string[]> {
    const json = this.jsonStorage
    if (json) return existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as string[]) : []
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
        logging: (sql: string) => this.log?.(sql.replace(/^Executing \([^)]*\): /, '')),
      })
      this.sequelize = { Sequelize, instance }
    }
    return this.sequelize
  }

  /** umzug's storage as sequelize-cli configures it: SequelizeMeta (or its configured name), or the JSON file. */
  private async storage() {
    const { SequelizeStorage, JSONStorage } = await import('umzug')
    const json = this.jsonStorage
    return json
      ? new JSONStorage({ path: json })
      : new SequelizeStorage({
          sequelize: this.instance().instance as never,
          tableName: this.table,
          ...(this.schema ? { schema: this.schema } : {}),
          timestamps: this.config.env.migrationTimestamps ?? false,
        })
  }

  private async umzug() {
    const { Umzug } = await import('umzug')
    const { Sequelize, instance } = this.instance()
    const storage = await this.storage()
    // As sequelize-cli loads them: Node's require for CommonJS; TypeScript and ESM too.
    const load = this.ctx.loader({ native: true, moduleCache: true })
    const migrations = this.files().map((name) => {
      const path = join(this.config.migrationsDir, name)
      const call =
        (direction: 'up' | 'down') =>
        async ({ context }: { context: unknown }) => {
          const ref = { id: name, file: path, parameters: 'queryInterface, Sequelize' }
          await this.ctx.migrationFunction<(queryInterface: unknown, S: unknown) => unknown>(
            await load(path),
            direction,
            ref,
          )(context, Sequelize)
        }
      return { name, path, up: call('up'), down: call('down') }
    })
    return new Umzug({ migrations, context: instance.getQueryInterface() as object, storage, logger: undefined })
  }

  /**
   * With `options.transaction` (mig.config) and a dialect whose DDL is
   * transactional, the migration and its SequelizeMeta row share one
   * transaction: a CLS namespace over AsyncLocalStorage hands it to every
   * query the migration makes. Off by default, as sequelize-cli.
   */
  private async step(m: Migration, direction: 'up' | 'down', options: RunOptions): Promise<void> {
    const umzug = await this.umzug()
    const wantsTransaction = this.project.options.transaction === true && options.transaction === 'auto'
    if (wantsTransaction && this.target.dialect === 'mysql')
      this.ctx.warn(`${this.project.name}: MySQL/MariaDB cannot roll back DDL; running ${m.id} without a transaction`)
    const transactional = wantsTransaction && this.target.dialect !== 'mysql'
    const recorder = this.ctx.recorder(options, [this.table])
    this.log = recorder.hear
    const run = () => (direction === 'up' ? umzug.up({ migrations: [m.id] }) : umzug.down({ migrations: [m.id] }))
    try {
      if (transactional) {
        const { Sequelize, instance } = this.instance()
        enableCls(Sequelize)
        await instance.transaction(() => run())
      } else {
        await run()
      }
    } catch (error) {
      // umzug wraps the migration's error: say the error itself, and a MigError (no down function) as it is.
      const cause = (error as { cause?: Error }).cause ?? error
      throw this.ctx.fail(cause, { statement: recorder.last, partial: !transactional, message: (cause as Error).message ?? String(cause) })
    } finally {
      this.log = undefined
    }
  }

  /** As sequelize-cli runs it: no transaction, unless the project's `transaction` option asks for one on a dialect whose DDL can roll back. */
  async transactional(): Promise<boolean> {
    return this.project.options.transaction === true && this.target.dialect !== 'mysql'
  }

  up(m: Migration, options: RunOptions): Promise<void> {
    return this.step(m, 'up', options)
  }

  down(m: Migration, options: RunOptions): Promise<void> {
    if (m.state === 'missing') {
      throw new this.ctx.errors.MigError(
        'SEQUELIZE_MISSING_FILE',
        `${this.project.name}: ${m.id} is in ${this.table} but its file is gone`,
        `restore it in ${this.config.migrationsDir}`,
      )
    }
    return this.step(m, 'down', options)
  }

  /** The storage's own logMigration / unlogMigration, which umzug calls after a migration runs or is reverted. */
  async mark(m: Migration, as: 'applied' | 'rolled-back'): Promise<void> {
    const storage = await this.storage()
    if (as === 'applied') await storage.logMigration({ name: m.id })
    else if ((await this.executed()).includes(m.id)) await storage.unlogMigration({ name: m.id })
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
