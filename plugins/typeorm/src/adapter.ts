import { existsSync, readdirSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Adapter, DatabaseTarget, Migration, OpenContext, ProjectRef, RunOptions, Session } from 'mig'
import { dataSourceFromScripts, projectLoader, resolveDataSourceFile } from './loader.js'

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
    const file = resolveDataSourceFile(project, ctx, dataSourceFromScripts(project.dir))
    const load = projectLoader(project, ctx)
    let mod: Record<string, unknown>
    try {
      // The DataSource file reads process.env: give it the project's environment.
      mod = await ctx.withProjectEnv(() => load(file))
    } catch (error) {
      if (error instanceof ctx.errors.MigError) throw error
      throw new ctx.errors.MigError(
        'TYPEORM_DATASOURCE_LOAD',
        `${project.name}: ${file} failed to load: ${String((error as Error).message ?? error).split('\n')[0]}`,
        'check that it runs with `typeorm -d`',
        { cause: error },
      )
    }
    const dataSource = [mod.default, ...Object.values(mod)].find(isDataSource)
    if (!dataSource) {
      throw new ctx.errors.MigError(
        'TYPEORM_NO_DATASOURCE',
        `${project.name}: ${file} exports no DataSource`,
        'export the DataSource instance (as `typeorm -d` expects), e.g. `export const AppDataSource = new DataSource({ … })`',
      )
    }
    const globs = ((dataSource.options.migrations ?? []) as unknown[]).filter((e): e is string => typeof e === 'string')
    await supplyClasses(project, dataSource, load)
    const configured = targetOf(project, dataSource, ctx)
    const target = ctx.database(configured)
    const ds = target.key === configured.key ? dataSource : redirected(project, dataSource, target, ctx)
    return new TypeormSession(project, ctx, ds, target, globs)
  },
}

/**
 * plan and verify: a DataSource like the project's on the scratch database
 * `ctx.database()` gave (same server and credentials). A new one, since the
 * project's instance is shared through the module cache with every other
 * session on the real database, and MySQL's driver copies the options it
 * was made with. A `url` wins over `database` in TypeORM's drivers: both change.
 */
function redirected(project: ProjectRef, ds: DataSource, target: DatabaseTarget, ctx: OpenContext): DataSource {
  if (ds.options.replication) {
    throw new ctx.errors.MigError(
      'TYPEORM_REDIRECT',
      `${project.name}: a DataSource with replication cannot be pointed at a scratch database for plan or verify`,
      'give the DataSource one connection (url, or host and database) while running mig plan or mig verify',
    )
  }
  const url = typeof ds.options.url === 'string' && target.dialect !== 'sqlite' ? new URL(ds.options.url) : undefined
  if (url) url.pathname = `/${encodeURIComponent(target.database ?? '')}`
  const database = target.dialect === 'sqlite' ? target.file : target.database
  return new (ds.constructor as new (options: Record<string, unknown>) => DataSource)({
    ...ds.options,
    database,
    ...(url ? { url: url.toString() } : {}),
  })
}

/**
 * Load the migration and entity globs ourselves, with decorator metadata,
 * and hand TypeORM the classes: its own loader would `require` TypeScript
 * files, which fails without ts-node.
 */
async function supplyClasses(project: ProjectRef, ds: DataSource, load: (file: string) => Promise<Record<string, unknown>>): Promise<void> {
  const { glob } = await import('tinyglobby')
  const classes = async (entries: unknown[] | undefined) => {
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
        out.push(...Object.values(await load(file)).filter((v) => typeof v === 'function'))
      }
    }
    return out
  }
  const [migrations, entities] = await Promise.all([classes(ds.options.migrations), classes(ds.options.entities)])
  ds.setOptions({ ...(migrations ? { migrations } : {}), ...(entities ? { entities } : {}) })
}

const dialects: Record<string, DatabaseTarget['dialect']> = {
  postgres: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  'better-sqlite3': 'sqlite',
  sqlite: 'sqlite',
}

function targetOf(project: ProjectRef, ds: DataSource, ctx: OpenContext): DatabaseTarget {
  const o = ds.options as Record<string, string | number | undefined>
  const dialect = dialects[String(o.type)]
  if (!dialect)
    throw new ctx.errors.MigError(
      'TYPEORM_TYPE',
      `${project.name}: DataSource type "${String(o.type)}" is not supported by mig`,
      'mig supports postgres, mysql, mariadb, better-sqlite3 and sqlite',
    )
  if (dialect === 'sqlite') {
    const database = String(o.database ?? '')
    if (!database || database === ':memory:')
      throw new ctx.errors.MigError(
        'TYPEORM_SQLITE_FILE',
        `${project.name}: the DataSource's SQLite database names no file`,
        'set database to a file path',
      )
    // TypeORM resolves the file against the working directory, where `typeorm -d` runs: the project folder.
    return ctx.target(`sqlite:${database}`, project.dir)
  }
  const parts = {
    dialect,
    host: o.host as string | undefined,
    port: o.port,
    user: o.username as string | undefined,
    password: o.password as string | undefined,
    database: o.database as string | undefined,
  }
  return ctx.target(typeof o.url === 'string' ? o.url : parts, project.dir)
}

class TypeormSession implements Session {
  private capture: ((sql: string) => void) | undefined

  constructor(
    private readonly project: ProjectRef,
    private readonly ctx: OpenContext,
    private readonly ds: DataSource,
    readonly target: DatabaseTarget,
    /** The DataSource's migration globs, as written (the options now hold the loaded classes). */
    private readonly globs: string[],
  ) {
    // SQL capture and the failing statement: a logger that hears every query.
    // initialize() must never change the schema on its own: no synchronize, no migrationsRun, no dropSchema.
    ds.setOptions({
      synchronize: false,
      migrationsRun: false,
      dropSchema: false,
      logging: ['query', 'error'],
      logger: {
        logQuery: (query: string) => this.capture?.(query),
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
    const files = this.migrationFiles()
    const known = new Set(pending.map((m) => m.name))
    const all = new Map((this.ds.options.migrations as { name: string }[]).map((c) => [c.name, c]))
    // Executed come back newest first (by id); mig lists applied oldest first.
    const applied: Migration[] = [...executed].reverse().map((m) => ({
      id: m.name,
      name: human(m.name),
      files: files.get(m.name) ? [files.get(m.name)!] : [],
      state: all.has(m.name) ? 'applied' : 'missing',
      reversible: all.has(m.name),
      timestamp: stamp(m.timestamp),
    }))
    const pendingList: Migration[] = pending
      .filter((m) => known.has(m.name))
      .map((m) => ({
        id: m.name,
        name: human(m.name),
        files: files.get(m.name) ? [files.get(m.name)!] : [],
        state: 'pending',
        reversible: true,
        timestamp: stamp(m.timestamp),
      }))
    return [...applied, ...pendingList]
  }

  /** Class name → file, for checksums: the file whose text declares the class. */
  private migrationFiles(): Map<string, string> {
    const map = new Map<string, string>()
    const dirs = new Set<string>()
    for (const dir of this.migrationDirs()) dirs.add(dir)
    for (const dir of dirs) {
      if (!existsSync(dir)) continue
      for (const f of readdirSync(dir)) {
        const m = /^(\d{13})-(.+)\.(ts|js|cjs|mjs)$/.exec(f)
        if (m) map.set(`${m[2]}${m[1]}`, join(dir, f))
      }
    }
    return map
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
    const recorder = this.ctx.recorder(options, [this.ds.options.migrationsTableName ?? 'migrations'])
    this.capture = recorder.hear
    try {
      if (transactional) await queryRunner.startTransaction()
      if (direction === 'up') await executor.executeMigration(migration)
      else {
        await migration.instance.down(queryRunner)
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
    const text = this.ctx.template({
      tool: 'typeorm',
      projectDir: this.project.dir,
      builtIn: templatesDir,
      name: template,
      file: `${template}.ts.txt`,
      vars: { ...vars, className: `${pascal}${epoch}` },
    })
    await this.ctx.writeNew(file, text)
    return [file]
  }

  async close(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy()
  }
}

const human = (className: string): string => className.replace(/\d{13}$/, '')
const stamp = (epochMs: number): string => new Date(Number(epochMs)).toISOString().replace(/\D/g, '').slice(0, 17)
