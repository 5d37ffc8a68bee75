import { readdir } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import type { Adapter, AtomicRun, Migration, OpenContext, ProjectRef, RunOptions, Session } from '../../adapter.js'
import { beginSql, tableExists } from '../../db/catalog.js'
import type { Db } from '../../db/types.js'
import { parseDatabaseUrl } from '../../db/url.js'
import { sqlLiteral } from '../../core/journal.js'
import { sqlTemplatesDir } from '../../core/templates.js'
import { MigError, errorMessage } from '../../output/errors.js'
import { resolveUrl } from './connection.js'
import { type SqlMigrationFile, ignoredFiles, migrationsDir, namingRule, readMigrationFiles } from './files.js'

export const LEDGER = 'mig_sql_migrations'

/** A ledger write with `?` placeholders. */
interface LedgerWrite {
  sql: string
  params: (string | number)[]
}

export const sqlAdapter: Adapter = {
  tool: 'sql',
  async open(project: ProjectRef, ctx: OpenContext): Promise<Session> {
    // plan and verify hand a scratch database on the same server instead.
    const target = ctx.database(parseDatabaseUrl(resolveUrl(project, ctx), project.dir))
    const dir = migrationsDir(project.dir)
    const files = await readMigrationFiles(project.name, dir)
    for (const file of await ignoredFiles(dir)) ctx.warn(`Warning: ${project.name}: ignoring ${relative(project.dir, file)}: ${namingRule}`)
    const db = await ctx.connect(target)
    return new SqlSession(project, ctx, dir, files, db)
  },
}

interface LedgerRow {
  id: string
  applied_at: string
}

class SqlSession implements Session {
  private ledgerReady = false
  readonly ledgerTables = [LEDGER]

  constructor(
    private readonly project: ProjectRef,
    private readonly ctx: OpenContext,
    private readonly dir: string,
    private files: SqlMigrationFile[],
    private readonly db: Db,
  ) {}

  get target() {
    return this.db.target
  }

  async list(): Promise<Migration[]> {
    const rows = (await tableExists(this.db, LEDGER))
      ? await this.db.query<LedgerRow>(`SELECT id, applied_at FROM ${LEDGER} ORDER BY id`)
      : []
    const version = (id: string) => BigInt(/^\d+/.exec(id)?.[0] ?? '0')
    const byVersion = rows
      .map((r) => ({ id: r.id, appliedAt: r.applied_at }))
      .sort((a, b) => (version(a.id) < version(b.id) ? -1 : version(a.id) > version(b.id) ? 1 : 0))
    const disk = this.files.map((f) => ({ id: f.id, files: f.down ? [f.up, f.down] : [f.up], reversible: f.down !== undefined }))
    return this.ctx.mergeLedger(byVersion, disk, (id) => id.replace(/^\d+_/, ''))
  }

  async up(m: Migration, options: RunOptions): Promise<void> {
    const file = this.file(m)
    await this.ensureLedger()
    await this.execute(file.up, options, this.applied(m))
  }

  /**
   * `mig up --atomic`: every migration of the run, its ledger row and core's
   * journal row, in one transaction; any failure or interrupt rolls all of it
   * back. Core calls it only on PostgreSQL and SQLite, with no file that opts
   * out of transactions.
   */
  async upAtomic(run: AtomicRun): Promise<void> {
    const files = run.migrations.map((m) => ({ m, file: this.file(m) }))
    await this.ensureLedger()
    const { splitStatements } = await import('./statements.js')
    let at: { path: string; statements: string[]; index: number } | undefined
    await this.db.run(beginSql(this.db))
    try {
      for (const { m, file } of files) {
        await stopIfAborted(run.signal)
        const options = run.options(m)
        const statements = splitStatements(readFileSync(file.up, 'utf8'), this.db.dialect)
        at = { path: file.up, statements, index: 0 }
        await this.runStatements(statements, options, at)
        await this.recordApplied(m)
        await this.db.run(options.journal.statement())
      }
      await stopIfAborted(run.signal)
      await this.db.run('COMMIT')
    } catch (error) {
      await this.db.run('ROLLBACK').catch(() => {})
      if (error instanceof MigError || run.signal?.aborted) throw error
      const message = at ? `${basename(at.path)}: ${errorMessage(error)}` : errorMessage(error)
      throw this.ctx.fail(error, { statement: at?.statements[at.index], partial: false, message, always: true })
    }
  }

  async down(m: Migration, options: RunOptions): Promise<void> {
    if (m.state === 'missing') {
      throw new MigError(
        'SQL_MISSING_FILE',
        `${this.project.name}: ${m.id} is applied but its files are gone`,
        `restore ${m.id}.up.sql and ${m.id}.down.sql in ${this.dir}`,
      )
    }
    const file = this.file(m)
    if (!file.down) {
      throw new MigError(
        'NO_DOWN',
        `${this.project.name}: ${m.id} has no down migration`,
        `write ${join(this.dir, `${m.id}.down.sql`)} to make it reversible`,
      )
    }
    await this.ensureLedger()
    await this.execute(file.down, options, { sql: `DELETE FROM ${LEDGER} WHERE id = ?`, params: [m.id] })
  }

  async transactional(m: Migration, direction: 'up' | 'down'): Promise<boolean> {
    if (this.db.dialect === 'mysql') return false
    const path = direction === 'up' ? this.file(m).up : this.file(m).down
    const { wantsNoTransaction } = await import('./statements.js')
    return !path || !wantsNoTransaction(readFileSync(path, 'utf8'))
  }

  /** The ledger row a successful run writes, or none: a failed run writes no row, so rolled back only clears a stray one. */
  async mark(m: Migration, as: 'applied' | 'rolled-back'): Promise<void> {
    await this.ensureLedger()
    if (as === 'applied') await this.db.run(`INSERT INTO ${LEDGER} (id, applied_at) VALUES (?, ?)`, [m.id, new Date().toISOString()])
    else await this.db.run(`DELETE FROM ${LEDGER} WHERE id = ?`, [m.id])
  }

  async create(name: string, template: string, vars: Record<string, unknown>): Promise<string[]> {
    const existing = (await readdir(this.dir)).map((f) => /^(\d+)_/.exec(f)?.[1]).filter((d): d is string => d !== undefined)
    const timestamped = existing.some((d) => d.length === 14)
    const width = existing[0]?.length ?? 3
    const next = timestamped
      ? this.ctx.timestamp()
      : String(existing.reduce((max, d) => (Number(d) > max ? Number(d) : max), 0) + 1).padStart(width, '0')
    const id = `${next}_${name}`
    const written: string[] = []
    for (const direction of ['up', 'down'] as const) {
      const text = this.ctx.template({
        tool: 'sql',
        projectDir: this.project.dir,
        builtIn: sqlTemplatesDir,
        name: template,
        file: `${template}.${direction}.sql`,
        vars: { name, ...vars },
      })
      const out = join(this.dir, `${id}.${direction}.sql`)
      await this.ctx.writeNew(out, text)
      written.push(out)
    }
    this.files = await readMigrationFiles(this.project.name, this.dir)
    return written
  }

  async close(): Promise<void> {
    await this.db.close()
  }

  private file(m: Migration): SqlMigrationFile {
    const file = this.files.find((f) => f.id === m.id)
    if (!file)
      throw new MigError(
        'SQL_UNKNOWN_MIGRATION',
        `${this.project.name}: no migration ${m.id} in ${this.dir}`,
        'run `mig status` to see the migrations mig knows',
      )
    return file
  }

  private async ensureLedger(): Promise<void> {
    if (this.ledgerReady) return
    await this.db.run(`CREATE TABLE IF NOT EXISTS ${LEDGER} (id VARCHAR(255) NOT NULL PRIMARY KEY, applied_at VARCHAR(32) NOT NULL)`)
    this.ledgerReady = true
  }

  private applied(m: Migration): LedgerWrite {
    return { sql: `INSERT INTO ${LEDGER} (id, applied_at) VALUES (?, ?)`, params: [m.id, new Date().toISOString()] }
  }

  private async recordApplied(m: Migration): Promise<void> {
    const { sql, params } = this.applied(m)
    await this.db.run(sql, params)
  }

  /**
   * Run a script statement by statement, then `record` and core's journal
   * row (RunOptions.journal), in one transaction unless the file opts out.
   * On MySQL DDL commits implicitly, so a failure after the first statement
   * may leave part of it applied: say so.
   */
  private async execute(path: string, options: RunOptions, ledger: LedgerWrite): Promise<void> {
    const sql = readFileSync(path, 'utf8')
    // Loaded on first use: the splitter is not needed to list or show status.
    const { splitStatements, wantsNoTransaction } = await import('./statements.js')
    const statements = splitStatements(sql, this.db.dialect)
    const transactional = options.transaction === 'auto' && !wantsNoTransaction(sql)
    // PostgreSQL: BEGIN goes with the first statement, and the ledger row, core's journal row and
    // COMMIT go as one script: as many round trips as psql running the file in a transaction.
    const pipelined = transactional && this.db.dialect === 'postgres' && statements.length > 0
    if (transactional && !pipelined) await this.db.run(beginSql(this.db))
    const at = { index: 0 }
    try {
      await this.runStatements(statements, options, at, pipelined ? beginSql(this.db) : undefined)
      await stopIfAborted(options.signal)
      if (pipelined) {
        const literal = (value: unknown) => sqlLiteral(this.db.dialect, value as string)
        const row = ledger.sql.replace(/\?/g, () => literal(ledger.params.shift()))
        await this.db.runScript([row, ...(options.journal ? [options.journal.statement()] : []), 'COMMIT'].join(';\n'))
      } else {
        await this.db.run(ledger.sql, ledger.params)
        // Core's journal row commits with the migration: one commit, not two. Without a transaction core writes it.
        if (transactional && options.journal) await this.db.run(options.journal.statement())
        if (transactional) await this.db.run('COMMIT')
      }
    } catch (error) {
      if (transactional) await this.db.run('ROLLBACK').catch(() => {})
      const partial = at.index > 0 && (!transactional || this.db.dialect === 'mysql')
      const statement = statements[at.index]
      throw this.ctx.fail(error, { statement, partial, message: `${basename(path)}: ${errorMessage(error)}`, always: true })
    }
  }

  /** Run `statements` in order; `at.index` is the one running (statements.length once all ran), for the failure's report. */
  private async runStatements(statements: string[], options: RunOptions, at: { index: number }, begin?: string): Promise<void> {
    for (at.index = 0; at.index < statements.length; at.index++) {
      if (at.index > 0) await stopIfAborted(options.signal)
      const statement = statements[at.index]!
      options.capture?.(statement)
      // `begin` (PostgreSQL): sent with the first statement, one simple query, one round trip.
      if (at.index === 0 && begin) await this.db.runScript(`${begin};\n${statement}`)
      else await this.db.run(statement)
      await options.progress?.(at.index + 1, statements.length)
    }
  }
}

/**
 * Throw when the run was interrupted. Two turns of the event loop first: a
 * signal that arrived while a synchronous statement ran (SQLite) is handled
 * in the loop's poll phase, which one setImmediate may not reach.
 */
async function stopIfAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return
  for (let turn = 0; turn < 2 && !signal.aborted; turn++) await new Promise((resolve) => setImmediate(resolve))
  if (signal.aborted) throw new Error('interrupted before the next statement')
}
