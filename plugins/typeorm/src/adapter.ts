import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Adapter, DatabaseTarget, Migration, OpenContext, ProjectRef, RunOptions, Session } from 'mig'
import { dataSourceFile } from './data-source.js'

const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates')

// The slice of TypeORM the adapter uses, typed here so the plugin builds without typeorm.
interface QueryRunner {
  startTransaction(): Promise<void>
  commitTransaction(): Promise<void>
  rollbackTransaction(): Promise<void>
  release(): Promise<void>
  isTransactionActive: boolean
}
interface TypeormMigration {
  id?: number
  timestamp: number
  name: string
  instance?: { up(qr: QueryRunner): Promise<unknown>; down(qr: QueryRunner): Promise<unknown>; transaction?: boolean }
}
interface MigrationExecutor {
  transaction: 'all' | 'none' | 'each'
  getExecutedMigrations(): Promise<TypeormMigration[]>
  getPendingMigrations(): Promise<TypeormMigration[]>
  executeMigration(m: TypeormMigration): Promise<TypeormMigration>
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
    const files = await supplyClasses(project, dataSource, load)
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
    return new TypeormSession(project, ctx, ds, target, globs, files)
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
 */
async function supplyClasses(
  project: ProjectRef,
  ds: DataSource,
  load: (file: string) => Promise<Record<string, unknown>>,
): Promise<Map<string, string>> {
  const { glob } = await import('tinyglobby')
  const fileOf = new Map<string, string>()
  const classes = async (entries: unknown[] | undefined, files?: Map<string, string>) => {
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
        const found = Object.values(await load(file)).filter((v): v is { name: string } => typeof v === 'function')
        for (const c of found) files?.set(c.name, file)
        out.push(...found)
      }
    }
    return out
  }
  const [migrations, entities] = await Promise.all([classes(ds.options.migrations, fileOf), classes(ds.options.entities)])
  ds.setOptions({ ...(migrations ? { migrations } : {}), ...(entities ? { entities } : {}) })
  return fileOf
}

class TypeormSession implements Session {
  private capture: ((sql: string) => void) | undefined

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

  private async executor(queryRunner?: QueryRunner): Promise<MigrationExecutor> {
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
    const { MigrationExecutor } = this.ctx.require<{ MigrationExecutor: new (ds: DataSource, qr?: QueryRunner) => MigrationExecutor }>(
      'typeorm',
    )
    const executor = new MigrationExecutor(this.ds, queryRunner)
    executor.transaction = 'none'
    return executor
  }

  async list(): Promise<Migration[]> {
    const executor = await this.executor()
    const [executed, pending] = await Promise.all([executor.getExecutedMigrations(), executor.getPendingMigrations()])
    const known = new Set((this.ds.options.migrations as { name: string }[]).map((c) => c.name))
    const files = (name: string) => (this.files.has(name) ? [this.files.get(name)!] : [])
    // Executed come back newest first (by id); mig lists applied oldest first. Pending in TypeORM's order.
    return this.ctx.mergeLedger(
      [...executed].reverse().map((m) => ({ id: m.name })),
      [...pending, ...executed.filter((m) => known.has(m.name))].map((m) => ({ id: m.name, files: files(m.name) })),
      (className) => className.replace(/\d{13}$/, ''),
    )
  }

  /** `options.migrationsDir` in mig.config, else the folder part of each migrations glob. */
  private migrationDirs(): string[] {
    const configured = this.project.options.migrationsDir
    if (typeof configured === 'string') return [resolve(this.project.dir, configured)]
    return this.globs.map((g) => resolve(this.project.dir, g.split(/[*{?[]/)[0]!.replace(/\/[^/]*$/, '') || '.'))
  }

  /** In mig's own transaction unless the class says `transaction = false`; MySQL's DDL commits on its own. */
  async transactional(m: Migration): Promise<boolean> {
    if (this.target.dialect === 'mysql') return false
    const cls = (this.ds.options.migrations as { name: string }[]).find((c) => c.name === m.id) as unknown as
      (new () => { transaction?: boolean }) | undefined
    return !cls || new cls().transaction !== false
  }

  private async step(m: Migration, direction: 'up' | 'down', options: RunOptions): Promise<void> {
    const queryRunner = this.ds.createQueryRunner()
    const executor = await this.executor(queryRunner)
    const source = direction === 'up' ? await executor.getPendingMigrations() : await executor.getExecutedMigrations()
    const migration = source.find((x) => x.name === m.id)
    const instance = (this.ds.options.migrations as { name: string; prototype: object }[]).find((c) => c.name === m.id)
    if (!migration || !instance) {
      await queryRunner.release()
      throw new this.ctx.errors.MigError(
        'TYPEORM_UNKNOWN_MIGRATION',
        `${this.project.name}: TypeORM does not know ${m.id} as ${direction === 'up' ? 'pending' : 'executed'}`,
        'run `mig status` to see what TypeORM reports',
      )
    }
    migration.instance ??= new (instance as unknown as new () => NonNullable<TypeormMigration['instance']>)()
    const transactional = options.transaction === 'auto' && migration.instance.transaction !== false
    const recorder = this.ctx.recorder(options, this.ledger)
    this.capture = recorder.hear
    try {
      if (transactional) await queryRunner.startTransaction()
      if (direction === 'up') await executor.executeMigration(migration)
      else {
        const ref = { id: m.id, file: m.files[0] ?? m.id, parameters: 'queryRunner: QueryRunner' }
        const down = this.ctx.migrationFunction<(qr: QueryRunner) => Promise<unknown>>(migration.instance, 'down', ref)
        await down.call(migration.instance, queryRunner)
        await executor.deleteMigration(migration)
      }
      if (transactional) await queryRunner.commitTransaction()
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => {})
      throw this.ctx.fail(error, { statement: recorder.last, partial: !transactional || this.target.dialect === 'mysql' })
    } finally {
      this.capture = undefined
      await queryRunner.release()
    }
  }

  up(m: Migration, options: RunOptions): Promise<void> {
    return this.step(m, 'up', options)
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
    const queryRunner = this.ds.createQueryRunner()
    try {
      const executor = await this.executor(queryRunner)
      if (as === 'applied') {
        const migration = (await executor.getPendingMigrations()).find((x) => x.name === m.id)
        if (!migration)
          throw new this.ctx.errors.MigError(
            'TYPEORM_UNKNOWN_MIGRATION',
            `${this.project.name}: TypeORM does not know ${m.id} as pending`,
            'run `mig status` to see what TypeORM reports',
          )
        await executor.createMigrationsTableIfNotExist(queryRunner)
        await executor.insertMigration(migration)
      } else {
        const migration = (await executor.getExecutedMigrations()).find((x) => x.name === m.id)
        if (migration) await executor.deleteMigration(migration)
      }
    } finally {
      await queryRunner.release()
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
    if (this.ds.isInitialized) await this.ds.destroy()
  }
}
