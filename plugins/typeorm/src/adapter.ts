import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  Adapter,
  AtomicRun,
  DatabaseTarget,
  FileFacts,
  Migration,
  OpenContext,
  ProjectRef,
  RunOptions,
  Session,
  StatementRecorder,
} from 'mig'
import { dataSourceFile } from './data-source.js'

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates')

// The slice of TypeORM the adapter uses, typed here so the plugin builds without typeorm.
interface QueryRunner {
  startTransaction(): Promise<void>
  commitTransaction(): Promise<void>
  rollbackTransaction(): Promise<void>
  release(): Promise<void>
  /** SQLite: foreign_keys off while migrations run (and on again after), as typeorm's migration:run does. */
  beforeMigration(): Promise<void>
  afterMigration(): Promise<void>
  query(sql: string): Promise<unknown>
  isTransactionActive: boolean
}
interface MigrationInstance {
  up(qr: QueryRunner): Promise<unknown>
  down(qr: QueryRunner): Promise<unknown>
  transaction?: boolean
}
/** TypeORM's Migration: its name (the class's, or the instance's `name`), timestamp and instance. */
interface TypeormMigration {
  id?: number
  timestamp: number
  name: string
  instance?: MigrationInstance
}
interface MigrationExecutor {
  transaction: 'all' | 'none' | 'each'
  getExecutedMigrations(): Promise<TypeormMigration[]>
  /** Every migration the DataSource holds, TypeORM's way: named, duplicates refused, sorted by timestamp. */
  getMigrations(): TypeormMigration[]
  insertMigration(m: TypeormMigration): Promise<void>
  deleteMigration(m: TypeormMigration): Promise<void>
  createMigrationsTableIfNotExist(qr: QueryRunner): Promise<void>
}
interface DataSource {
  options: Record<string, unknown> & {
    type: string
    database?: unknown
    migrations?: unknown[]
    entities?: unknown[]
    migrationsTableName?: string
    metadataTableName?: string
    schema?: string
  }
  isInitialized: boolean
  initialize(): Promise<DataSource>
  destroy(): Promise<void>
  setOptions(options: Record<string, unknown>): DataSource
  createQueryRunner(): QueryRunner
  driver: { createSchemaBuilder(): { createMetadataTableIfNecessary?(qr: QueryRunner): Promise<void> } }
}

const isDataSource = (v: unknown): v is DataSource =>
  !!v && typeof v === 'object' && typeof (v as DataSource).initialize === 'function' && typeof (v as DataSource).options === 'object'

export const typeormAdapter: Adapter = {
  tool: 'typeorm',
  async open(project: ProjectRef, ctx: OpenContext): Promise<Session> {
    const file = dataSourceFile(project, ctx)
    // One loader per open, its cache kept: the data source, its entities and the migrations share the classes they import,
    // and a second open loads them afresh. TypeScript is compiled by the project's own, keeping the decorator metadata
    // TypeORM reads (`@Column() email: string`); CommonJS goes through Node's require, as the typeorm CLI loads it.
    const load = ctx.loader({ default: false, moduleCache: true, decorators: true, native: true }) as (
      file: string,
    ) => Promise<Record<string, unknown>>
    // The DataSource file reads process.env: give it the project's environment.
    const mod = (await ctx.withProjectEnv(() =>
      ctx.loadConfig(file, { loader: load, hint: 'check that it runs with `typeorm -d`' }),
    )) as Record<string, unknown>
    const dataSource = [mod.default, ...Object.values(mod)].find(isDataSource)
    if (!dataSource) {
      throw new ctx.errors.MigError(
        'TYPEORM_NO_DATASOURCE',
        `${project.name}: ${file} exports no DataSource`,
        'export the DataSource instance (as `typeorm -d` expects), e.g. `export const AppDataSource = new DataSource({ … })`',
      )
    }
    const globs = ((dataSource.options.migrations ?? []) as unknown[]).filter((e): e is string => typeof e === 'string')
    // A core older than fileFacts: every file is loaded, as before.
    const facts = typeof ctx.fileFacts === 'function' ? ctx.fileFacts<ExportedMigration[]>(FACTS) : noFacts
    const files = await supplyClasses(project, dataSource, load, facts)
    const o = dataSource.options
    const configured = ctx.toolTarget({
      option: 'type',
      driver: o.type,
      accepts: ['postgres', 'mysql', 'mariadb', 'better-sqlite3', 'sqlite'],
      url: o.url,
      host: o.host,
      port: o.port,
      user: o.username,
      password: o.password,
      database: o.database,
      file: o.database,
      fileOption: 'database',
      // TypeORM resolves a SQLite file against the working directory, where `typeorm -d` runs: the project folder.
      baseDir: project.dir,
    })
    const target = ctx.database(configured)
    const ds = target.key === configured.key ? dataSource : redirected(dataSource, target, ctx)
    return new TypeormSession(project, ctx, ds, target, globs, files, load, facts)
  },
}

/**
 * plan and verify: a DataSource like the project's on the database
 * `ctx.database()` gave (a scratch one, perhaps on the server `scratch.url`
 * names). A new one, since MySQL's driver copies the options it was made
 * with. A `url` wins over the parts in TypeORM's drivers: both change.
 */
function redirected(ds: DataSource, target: DatabaseTarget, ctx: OpenContext): DataSource {
  if (ds.options.replication)
    throw ctx.scratchRefusal(
      'the DataSource uses replication (read replicas on other servers)',
      'give the DataSource one connection (url, or host and database) while running mig plan or mig verify',
    )
  const { user, password, ...server } = ctx.connectionParts(target)
  // No empty user or password: the driver's own defaults (PGPASSWORD, ~/.pgpass) still apply.
  const where = target.file
    ? { database: target.file }
    : {
        ...server,
        ...(user ? { username: user } : {}),
        ...(password ? { password } : {}),
        ...(typeof ds.options.url === 'string' ? { url: ctx.redirectUrl(ds.options.url, target) } : {}),
      }
  return new (ds.constructor as new (options: Record<string, unknown>) => DataSource)({ ...ds.options, ...where })
}

/**
 * Load the migration and entity globs ourselves, with decorator metadata,
 * and hand TypeORM the classes: its own loader would `require` TypeScript
 * files, which fails without ts-node. Returns each migration class's file.
 *
 * A migration file whose classes a run already learned (`facts`: by its
 * path and bytes) is not run: TypeORM gets a stand-in class of the same
 * name whose instances carry the same migration name, which is all that
 * listing needs. The session swaps in the real class (`realInstance`) before
 * it runs one, so `mig status` on 1000 migrations runs none of them, and
 * `mig up` runs only those it applies.
 */
async function supplyClasses(
  project: ProjectRef,
  ds: DataSource,
  load: (file: string) => Promise<Record<string, unknown>>,
  facts: FileFacts<ExportedMigration[]>,
): Promise<Map<string, string>> {
  const { glob } = await import('tinyglobby')
  const fileOf = new Map<string, string>()
  const classes = async (entries: unknown[] | undefined, migrations: boolean) => {
    if (!entries?.some((e) => typeof e === 'string')) return entries
    const out: unknown[] = []
    for (const entry of entries) {
      if (typeof entry !== 'string') {
        out.push(entry)
        continue
      }
      const pattern = isAbsolute(entry) ? entry : resolve(project.dir, entry)
      for (const file of (await glob([pattern], { absolute: true })).sort()) {
        if (file.endsWith('.d.ts')) continue
        const known = migrations ? validFacts(facts.get(file)) : undefined
        if (known) {
          for (const exported of known) {
            fileOf.set(exported.className, file)
            out.push(standIn(file, exported))
          }
          continue
        }
        const found = classesOf(await load(file))
        for (const [, c] of found) if (migrations) fileOf.set(c.name, file)
        out.push(...found.map(([, c]) => c))
        const learned = migrations ? exportedMigrations(found, readFileSync(file, 'utf8')) : undefined
        if (learned) facts.set(file, learned)
      }
    }
    return out
  }
  const [migrations, entities] = await Promise.all([classes(ds.options.migrations, true), classes(ds.options.entities, false)])
  facts.save()
  ds.setOptions({ ...(migrations ? { migrations } : {}), ...(entities ? { entities } : {}) })
  return fileOf
}

/** The facts kept about a migration file (bump the version when their shape changes). */
const FACTS = 'typeorm-migrations-v1'

/** A class a migration file exports: under which key, the class's name, and TypeORM's name for the migration. */
interface ExportedMigration {
  key: string
  className: string
  name: string
}

type MigrationClass = (new () => MigrationInstance & { name?: unknown }) & { name: string }

/** What a module exports that TypeORM would take as a class, by export key: every function, as its own loader takes them. */
const classesOf = (mod: Record<string, unknown>): [string, MigrationClass][] =>
  Object.entries(mod).filter((e): e is [string, MigrationClass] => typeof e[1] === 'function')

/** A class name a stand-in can carry and a pattern can hold as it is. */
const identifier = /^[\w$]+$/

/** Where a stand-in's real class is. */
const REAL = Symbol('mig.typeorm.real')
interface StandIn {
  file: string
  exported: ExportedMigration
}

/**
 * TypeORM's name for a migration instance, `instance.name` else the class's
 * (1.x reads it with `??`, 0.3 with `||`): undefined where the two differ
 * (an empty or non-string `name`), so nothing is remembered that either
 * would name otherwise.
 */
function typeormName(instance: { name?: unknown }, c: { name: string }): string | undefined {
  if (instance.name === undefined || instance.name === null) return c.name || undefined
  return typeof instance.name === 'string' && instance.name ? instance.name : undefined
}

/**
 * What a loaded file exports, as TypeORM will name it; nothing to remember
 * when a class cannot be made without arguments or makes something else
 * (TypeORM's own error will say so), or when the names do not come from the
 * file itself (a re-export, a name built from an import): its bytes would
 * not say when they change. `text` is the file's source.
 */
function exportedMigrations(found: [string, MigrationClass][], text: string): ExportedMigration[] | undefined {
  const out: ExportedMigration[] = []
  // The class is declared here (`class Name`), not re-exported from another file.
  const declared = (name: string) => new RegExp(`(?<![\\w$])class\\s+${name.replace(/[$]/g, '\\$')}(?![\\w$])`).test(text)
  for (const [key, c] of found) {
    let instance: (MigrationInstance & { name?: unknown }) | undefined
    try {
      instance = new c()
    } catch {
      return undefined
    }
    if (instance?.constructor !== c) return undefined
    const name = typeormName(instance, c)
    if (!name || !identifier.test(c.name) || !declared(c.name) || (name !== c.name && !text.includes(name))) return undefined
    out.push({ key, className: c.name, name })
  }
  return out
}

/** Facts as this plugin writes them, or none: a damaged or foreign cache entry is a file to load. */
function validFacts(facts: unknown): ExportedMigration[] | undefined {
  if (!Array.isArray(facts)) return undefined
  const ok = facts.every(
    (f: Partial<ExportedMigration> | null) =>
      !!f &&
      typeof f.key === 'string' &&
      typeof f.className === 'string' &&
      identifier.test(f.className) &&
      typeof f.name === 'string' &&
      f.name !== '',
  )
  return ok ? (facts as ExportedMigration[]) : undefined
}

const noFacts: FileFacts<ExportedMigration[]> = { get: () => undefined, set: () => {}, save: () => {} }

/** A class named as the real one, whose instances carry its migration name: enough for TypeORM to list it. */
function standIn(file: string, exported: ExportedMigration): unknown {
  const { className, name: migrationName } = exported
  const made = {
    [className]: class {
      name = migrationName
    },
  }[className]!
  Object.defineProperty(made, REAL, { value: { file, exported } satisfies StandIn })
  return made
}

/** What a session read of TypeORM's migrations and its table: kept as the session applies and reverts, read again by list(). */
interface Plan {
  /** Every migration the DataSource holds, by TypeORM's name for it. */
  all: Map<string, TypeormMigration>
  /** The migrations table's rows, by name. */
  executed: Map<string, TypeormMigration>
}

class TypeormSession implements Session {
  private capture: ((sql: string) => void) | undefined
  /** One query runner (one connection) and executor a session, as one `typeorm migration:run` has; a failure drops them. */
  private runner: { qr: QueryRunner; executor: MigrationExecutor } | undefined
  private plan: Plan | undefined
  private tablesReady = false

  readonly ledgerTables: string[]
  /** The migrations table and the metadata table (views), by bare name, for the recorder. */
  private readonly ledger: string[]

  constructor(
    private readonly project: ProjectRef,
    private readonly ctx: OpenContext,
    private readonly ds: DataSource,
    readonly target: DatabaseTarget,
    /** The DataSource's migration globs, as written (the options now hold the loaded classes). */
    private readonly globs: string[],
    /** Migration class name → its file, for checksums. */
    private readonly files: Map<string, string>,
    /** The open's loader: a stand-in's real class comes from the same module cache as the DataSource's. */
    private readonly load: (file: string) => Promise<Record<string, unknown>>,
    private readonly facts: FileFacts<ExportedMigration[]>,
  ) {
    this.ledger = [ds.options.migrationsTableName ?? 'migrations', ds.options.metadataTableName ?? 'typeorm_metadata']
    // TypeORM keeps both in the DataSource's `schema` on PostgreSQL.
    const schema = target.dialect === 'postgres' ? ds.options.schema : undefined
    this.ledgerTables = this.ledger.map((t) => (schema ? `${schema}.${t}` : t))
    // SQL capture and the failing statement: a logger that hears every query.
    // initialize() must never change the schema on its own: no synchronize, no migrationsRun, no dropSchema.
    ds.setOptions({
      synchronize: false,
      migrationsRun: false,
      dropSchema: false,
      logging: ['query', 'error'],
      logger: {
        // TypeORM checks its migrations table with the name as a bound parameter: that query is its, not the migration's.
        logQuery: (query: string, parameters?: unknown[]) => {
          if (!parameters?.some((p) => typeof p === 'string' && this.ledger.includes(p))) this.capture?.(query)
        },
        logQueryError: () => {},
        logQuerySlow: () => {},
        logSchemaBuild: () => {},
        logMigration: () => {},
        log: () => {},
      },
      ...(target.dialect === 'sqlite' ? { database: target.file } : {}),
    })
  }

  private async executor(): Promise<{ qr: QueryRunner; executor: MigrationExecutor }> {
    if (!this.ds.isInitialized) {
      try {
        await this.ds.initialize()
      } catch (error) {
        throw new this.ctx.errors.MigError(
          'TYPEORM_CONNECT',
          `${this.project.name}: the DataSource could not connect to ${this.target.display}: ${(error as Error).message}`,
          'check its connection options (host, port, credentials, database)',
          { cause: error },
        )
      }
    }
    if (!this.runner) {
      const { MigrationExecutor } = this.ctx.require<{ MigrationExecutor: new (ds: DataSource, qr?: QueryRunner) => MigrationExecutor }>(
        'typeorm',
      )
      const qr = this.ds.createQueryRunner()
      const executor = new MigrationExecutor(this.ds, qr)
      executor.transaction = 'none'
      this.runner = { qr, executor }
    }
    return this.runner
  }

  /** After a failure: its connection may be broken (a rollback that failed), so the next step takes a new one. */
  private async dropRunner(): Promise<void> {
    const qr = this.runner?.qr
    this.runner = undefined
    await qr?.release().catch(() => {})
  }

  /**
   * Reads the migrations table once, as `typeorm migration:show` does, and
   * keeps what it read for the steps that follow (a run lists under core's
   * lock, then steps through its plan): no step reads the table again.
   */
  async list(): Promise<Migration[]> {
    const { executor } = await this.executor()
    const all = executor.getMigrations()
    const executed = await executor.getExecutedMigrations()
    this.plan = { all: new Map(all.map((m) => [m.name, m])), executed: new Map(executed.map((m) => [m.name, m])) }
    const files = (m: TypeormMigration) => {
      const file = this.files.get(m.instance?.constructor.name ?? m.name) ?? this.files.get(m.name)
      return file ? [file] : []
    }
    // Executed come back newest first (by id); mig lists applied oldest first. The rest in TypeORM's order (by timestamp).
    return this.ctx.mergeLedger(
      [...executed].reverse().map((m) => ({ id: m.name })),
      all.map((m) => ({ id: m.name, files: files(m) })),
      (className) => className.replace(/\d{13}$/, ''),
    )
  }

  /** The plan list() read; read now when a session steps without listing first (plan's scratch run). */
  private async planned(): Promise<Plan> {
    if (!this.plan) await this.list()
    return this.plan!
  }

  /** `m` as TypeORM knows it, pending for an up and executed for a down (its row: its timestamp as recorded), with its instance. */
  private async migration(m: Migration, direction: 'up' | 'down'): Promise<TypeormMigration & { instance: MigrationInstance }> {
    const plan = await this.planned()
    const known = plan.all.get(m.id)
    const row = plan.executed.get(m.id)
    const migration = direction === 'up' ? !row && known : row && known && { ...row, instance: known.instance }
    if (!migration || !migration.instance)
      throw new this.ctx.errors.MigError(
        'TYPEORM_UNKNOWN_MIGRATION',
        `${this.project.name}: TypeORM does not know ${m.id} as ${direction === 'up' ? 'pending' : 'executed'}`,
        'run `mig status` to see what TypeORM reports',
      )
    return { ...migration, instance: await this.realInstance(migration.instance) }
  }

  private readonly real = new WeakMap<MigrationInstance, MigrationInstance>()

  /**
   * The instance of the real class behind a stand-in (supplyClasses), its
   * file loaded now, once; any other instance as it is. The file must still
   * export that class under that migration name: edited since it was listed,
   * it is a MigError rather than a run of something else.
   */
  private async realInstance(instance: MigrationInstance): Promise<MigrationInstance> {
    const standIn = (instance.constructor as { [REAL]?: StandIn })[REAL]
    if (!standIn) return instance
    let real = this.real.get(instance)
    if (!real) {
      const { file, exported } = standIn
      const mod = await this.load(file)
      const c = mod[exported.key] as MigrationClass | undefined
      const made = typeof c === 'function' && c.name === exported.className ? new c() : undefined
      if (!made || typeormName(made, c!) !== exported.name) {
        // What the file gives now replaces what was remembered (if its bytes are still those listed), for the next run.
        const learned = exportedMigrations(classesOf(mod), readFileSync(file, 'utf8'))
        if (learned) this.facts.set(file, learned)
        this.facts.save()
        throw new this.ctx.errors.MigError(
          'TYPEORM_MIGRATION_CHANGED',
          `${this.project.name}: ${file} no longer exports migration ${exported.name} as mig listed it (the file changed during the run, or what mig remembered of it was wrong)`,
          'run mig again: it lists the file afresh',
        )
      }
      real = made
      this.real.set(instance, real)
    }
    return real
  }

  /** The migrations table (and the metadata table where views need it), once a session, outside any migration's transaction, as `typeorm migration:run` creates them. */
  private async ensureTables(): Promise<void> {
    if (this.tablesReady) return
    const { qr, executor } = await this.executor()
    await executor.createMigrationsTableIfNotExist(qr)
    await this.ds.driver.createSchemaBuilder().createMetadataTableIfNecessary?.(qr)
    this.tablesReady = true
  }

  /** `options.migrationsDir` in mig.config, else the folder part of each migrations glob. */
  private migrationDirs(): string[] {
    const configured = this.project.options.migrationsDir
    if (typeof configured === 'string') return [resolve(this.project.dir, configured)]
    return this.globs.map((g) => resolve(this.project.dir, g.split(/[*{?[]/)[0]!.replace(/\/[^/]*$/, '') || '.'))
  }

  /** In mig's own transaction unless the class says `transaction = false`; MySQL's DDL commits on its own. */
  async transactional(m: Migration): Promise<boolean> {
    // The real class first, on every dialect: a file changed since it was listed is refused before core journals anything.
    const instance = (await this.planned()).all.get(m.id)?.instance
    const real = instance && (await this.realInstance(instance))
    if (this.target.dialect === 'mysql') return false
    return real?.transaction !== false
  }

  /** Run the migration's function with the recorder hearing TypeORM's query log: its statements only, not the ledger's. */
  private async heard(recorder: StatementRecorder, fn: () => Promise<unknown>): Promise<void> {
    this.capture = recorder.hear
    try {
      await fn()
    } finally {
      this.capture = undefined
    }
  }

  private fn(m: Migration, migration: { instance: MigrationInstance }, direction: 'up' | 'down'): (qr: QueryRunner) => Promise<unknown> {
    const ref = { id: m.id, file: m.files[0] ?? m.id, parameters: 'queryRunner: QueryRunner' }
    const fn = this.ctx.migrationFunction<(qr: QueryRunner) => Promise<unknown>>(migration.instance, direction, ref)
    return (qr) => fn.call(migration.instance, qr)
  }

  /**
   * One migration as `typeorm migration:run -t each` runs each (up) and
   * `migration:revert` runs one (down): the migration, its row in the
   * migrations table and core's journal row in one transaction unless the
   * class says `transaction = false`, on the session's one connection.
   */
  private async step(m: Migration, direction: 'up' | 'down', options: RunOptions): Promise<void> {
    const migration = await this.migration(m, direction)
    const fn = this.fn(m, migration, direction)
    if (direction === 'up') await this.ensureTables()
    const { qr, executor } = await this.executor()
    const transactional = options.transaction === 'auto' && migration.instance.transaction !== false
    const recorder = this.ctx.recorder(options, this.ledger)
    try {
      // SQLite's foreign_keys pragma: migration:run turns it off before its transaction, migration:revert inside its.
      if (direction === 'up') await qr.beforeMigration()
      if (transactional) await qr.startTransaction()
      if (direction === 'up') {
        await this.heard(recorder, () => fn(qr))
        await executor.insertMigration(migration)
      } else {
        await qr.beforeMigration()
        await this.heard(recorder, () => fn(qr))
        await qr.afterMigration()
        await executor.deleteMigration(migration)
      }
      // Core's journal row commits with the migration: one commit, on the same connection.
      if (transactional && options.journal) await qr.query(options.journal.statement())
      if (transactional) await qr.commitTransaction()
      if (direction === 'up') await qr.afterMigration()
    } catch (error) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => {})
      await qr.afterMigration().catch(() => {})
      await this.dropRunner()
      throw this.ctx.fail(error, { statement: recorder.last, partial: !transactional || this.target.dialect === 'mysql' })
    }
    if (direction === 'up') this.plan!.executed.set(m.id, migration)
    else this.plan!.executed.delete(m.id)
  }

  up(m: Migration, options: RunOptions): Promise<void> {
    return this.step(m, 'up', options)
  }

  /**
   * `mig up --atomic`: `typeorm migration:run`'s own shape (`-t all`), every
   * migration of the run, its row in the migrations table and core's journal
   * row in one transaction; any failure rolls all of it back.
   */
  async upAtomic(run: AtomicRun): Promise<void> {
    const steps = []
    for (const m of run.migrations) {
      const migration = await this.migration(m, 'up')
      steps.push({ m, migration, fn: this.fn(m, migration, 'up') })
    }
    await this.ensureTables()
    const { qr, executor } = await this.executor()
    let recorder: StatementRecorder | undefined
    try {
      await qr.beforeMigration()
      await qr.startTransaction()
      for (const { m, migration, fn } of steps) {
        // Yield first, so a signal that came during a synchronous statement is seen.
        await new Promise((resolve) => setImmediate(resolve))
        if (run.signal?.aborted) throw new Error('interrupted')
        const options = run.options(m)
        recorder = this.ctx.recorder(options, this.ledger)
        await this.heard(recorder, () => fn(qr))
        await executor.insertMigration(migration)
        await qr.query(options.journal.statement())
      }
      await qr.commitTransaction()
      await qr.afterMigration()
    } catch (error) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => {})
      await qr.afterMigration().catch(() => {})
      await this.dropRunner()
      if (error instanceof this.ctx.errors.MigError || run.signal?.aborted) throw error
      throw this.ctx.fail(error, { statement: recorder?.last, partial: false })
    }
    for (const { m, migration } of steps) this.plan!.executed.set(m.id, migration)
  }

  down(m: Migration, options: RunOptions): Promise<void> {
    if (m.state === 'missing')
      throw new this.ctx.errors.MigError(
        'TYPEORM_MISSING_CLASS',
        `${this.project.name}: ${m.id} is in the migrations table but no migration class has that name`,
        'restore its file in the migrations folder',
      )
    return this.step(m, 'down', options)
  }

  /**
   * What `typeorm migration:run --fake` does for one migration: create the
   * migrations table if need be and insert its row (timestamp, name);
   * rolled back deletes the row a half-applied run may have left.
   */
  async mark(m: Migration, as: 'applied' | 'rolled-back'): Promise<void> {
    // Read afresh: a mark follows whatever left the ledger as it is.
    await this.list()
    const plan = this.plan!
    const { executor } = await this.executor()
    if (as === 'applied') {
      const migration = await this.migration(m, 'up')
      await this.ensureTables()
      await executor.insertMigration(migration)
      plan.executed.set(m.id, migration)
    } else {
      const row = plan.executed.get(m.id)
      if (row) await executor.deleteMigration(row)
      plan.executed.delete(m.id)
    }
  }

  /** `<epoch-ms>-Name.ts` with class `Name<epoch-ms>`, as `typeorm migration:create` writes it, in the folder of the first migrations glob. */
  async create(name: string, template: string, vars: Record<string, unknown>): Promise<string[]> {
    const dir = this.migrationDirs()[0] ?? join(this.project.dir, 'src', 'migrations')
    const pascal = name
      .split(/[-_\s]+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('')
    const epoch = this.ctx.timestamp('epoch-ms')
    const file = join(dir, `${epoch}-${pascal}.ts`)
    return this.ctx.writeMigration({
      builtIn: templatesDir,
      name: template,
      vars: { ...vars, className: `${pascal}${epoch}` },
      files: [{ path: file }],
    })
  }

  async close(): Promise<void> {
    await this.dropRunner()
    if (this.ds.isInitialized) await this.ds.destroy()
  }
}
