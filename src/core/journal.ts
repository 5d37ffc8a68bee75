import type { MigrationState } from '../adapter.js'
import { hostname, userInfo } from 'node:os'
import { serialPk, tableExists } from '../db/catalog.js'
import type { Db, Dialect } from '../db/types.js'
import { redact } from '../output/redact.js'

/**
 * `mig_journal`, one per database: every action mig took, with the checksum
 * of the migration's files. It adds history and drift detection to tools that
 * keep none; it never decides what is applied (the tool's ledger does).
 */
export const JOURNAL = 'mig_journal'

/**
 * ok: done (resolve: marked applied); rolled_back: failed and undone by its
 * transaction (resolve: marked rolled back); failed: failed partway, the
 * database may hold part of it; running: a migration no transaction covers
 * has started and its end is not recorded yet (golang-migrate's dirty flag):
 * once its run is gone, it failed partway.
 */
export type Outcome = 'ok' | 'rolled_back' | 'failed' | 'running'

/** up/down: a migration; resolve: a migration marked by hand (`mig resolve`, `mig baseline`); backup/restore: the whole database (migration is "-"). */
export type JournalDirection = 'up' | 'down' | 'resolve' | 'backup' | 'restore'

export interface JournalEntry {
  project: string
  tool: string
  migration: string
  direction: JournalDirection
  checksum: string | null
  actor: string
  startedAt: string
  durationMs: number
  outcome: Outcome
  error: string | null
  backupId: string | null
  /** Why, for actions taken by hand (resolve: "applied by hand: <reason>"). */
  note?: string | null
}

interface Row {
  project: string
  tool: string
  migration: string
  direction: JournalDirection
  checksum: string | null
  actor: string
  started_at: string
  duration_ms: number | string
  outcome: Outcome
  error: string | null
  backup_id: string | null
  note: string | null
}

let who: string | undefined

/** user@host, read once a process: userInfo() reads /etc/passwd each time, and a run journals every step. */
export function actor(): string {
  if (who) return who
  let user = process.env.USER ?? 'unknown'
  try {
    user = userInfo().username
  } catch {
    // no passwd entry (containers): keep $USER
  }
  return (who = `${user}@${hostname()}`)
}

export async function ensureJournal(db: Db): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ${JOURNAL} (
    id ${serialPk(db)},
    project VARCHAR(255) NOT NULL,
    tool VARCHAR(32) NOT NULL,
    migration VARCHAR(512) NOT NULL,
    direction VARCHAR(8) NOT NULL,
    checksum VARCHAR(64),
    actor VARCHAR(255) NOT NULL,
    started_at VARCHAR(32) NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome VARCHAR(16) NOT NULL,
    error TEXT,
    backup_id VARCHAR(128),
    note TEXT
  )`)
  if (!(await hasNote(db))) await db.run(`ALTER TABLE ${JOURNAL} ADD COLUMN note TEXT`)
}

/**
 * The journal's name as another connection to the same database must write
 * it: on PostgreSQL qualified by the schema core's connection created it in
 * (a tool's connection may set another search_path).
 */
export async function journalTable(db: Db): Promise<string> {
  if (db.dialect !== 'postgres') return JOURNAL
  const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema')
  return `"${row!.schema.replaceAll('"', '""')}".${JOURNAL}`
}

/** Journals written before `note` existed lack the column; one query that reads no row tells. */
async function hasNote(db: Db): Promise<boolean> {
  try {
    await db.query(`SELECT note FROM ${JOURNAL} WHERE 1 = 0`)
    return true
  } catch {
    return false
  }
}

const columns = (note: boolean) =>
  `project, tool, migration, direction, checksum, actor, started_at, duration_ms, outcome, error, backup_id, ${note ? 'note' : 'NULL AS note'}`

const insert = (table: string): string =>
  `INSERT INTO ${table} (project, tool, migration, direction, checksum, actor, started_at, duration_ms, outcome, error, backup_id, note) VALUES`

/** A row's values as written: secrets redacted, NUL (which PostgreSQL text cannot hold) replaced. */
const values = (e: JournalEntry): (string | number | null)[] =>
  [
    e.project,
    e.tool,
    e.migration,
    e.direction,
    e.checksum,
    e.actor,
    e.startedAt,
    Math.round(e.durationMs),
    e.outcome,
    e.error === null ? null : redact(e.error),
    e.backupId,
    e.note ? redact(e.note) : null,
  ].map((v) => (typeof v === 'string' ? v.replaceAll('\0', '\uFFFD') : v))

export async function recordJournal(db: Db, e: JournalEntry): Promise<void> {
  const row = values(e)
  await db.run(`${insert(JOURNAL)} (${row.map(() => '?').join(', ')})`, row)
}

/**
 * recordJournal as one statement with its values written in: for an
 * adapter to run on its own connection, inside the migration's transaction
 * (RunOptions.journal). The text holds no `?` and no backslash outside an
 * escape, so no placeholder syntax of any client (knex turns `?` into `$1`
 * on PostgreSQL) and no string-escaping setting (standard_conforming_strings,
 * NO_BACKSLASH_ESCAPES) can change what it writes.
 */
export function journalInsertSql(dialect: Dialect, e: JournalEntry, table: string = JOURNAL): string {
  return `${insert(table)} (${values(e)
    .map((v) => sqlLiteral(dialect, v))
    .join(', ')})`
}

/** Characters every dialect reads the same inside '…', whatever its settings and whichever client sends it. */
const plain = /^[^'\\?\0]*$/

/** A value as an SQL literal of `dialect`, safe as described at journalInsertSql. */
export function sqlLiteral(dialect: Dialect, value: string | number | null): string {
  if (value === null) return 'NULL'
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`)
    return String(value)
  }
  if (plain.test(value)) return `'${value}'`
  switch (dialect) {
    // An E'' string reads its escapes whatever standard_conforming_strings says; a quote is doubled, as \' is refused with backslash_quote off (and by client encodings such as SJIS).
    case 'postgres':
      return `E'${value.replace(/[\\'?\0]/g, (c) => (c === '\0' ? '' : c === '?' ? '\\x3f' : c === "'" ? "''" : `\\${c}`))}'`
    // Hex is read the same with or without NO_BACKSLASH_ESCAPES.
    case 'mysql':
      return `_utf8mb4 X'${Buffer.from(value, 'utf8').toString('hex')}'`
    // SQLite reads no backslash escapes; `?` goes in through char().
    case 'sqlite':
      return `('${value.replaceAll("'", "''").replaceAll('\0', '').split('?').join("' || char(63) || '")}')`
  }
}

/**
 * recordJournal again after the connection died under the first attempt,
 * which the server may have carried out with its reply lost: once only.
 */
export async function recordJournalAgain(db: Db, e: JournalEntry): Promise<void> {
  const rows = await db.query(
    `SELECT 1 FROM ${JOURNAL} WHERE project = ? AND migration = ? AND direction = ? AND started_at = ? AND actor = ?`,
    [e.project, e.migration, e.direction, e.startedAt, e.actor],
  )
  if (rows.length) await finishJournal(db, { ...e, outcome: 'running' }, e)
  else await recordJournal(db, e)
}

/** Settle a `running` row: the end of the step it announced. */
export async function finishJournal(
  db: Db,
  e: JournalEntry,
  end: Pick<JournalEntry, 'durationMs' | 'outcome' | 'error'> & { checksum?: string | null },
): Promise<void> {
  const checksum = end.checksum === undefined ? e.checksum : end.checksum
  await db.run(
    `UPDATE ${JOURNAL} SET duration_ms = ?, outcome = ?, error = ?, checksum = ? WHERE project = ? AND migration = ? AND direction = ? AND started_at = ? AND actor = ? AND outcome = 'running'`,
    [
      Math.round(end.durationMs),
      end.outcome,
      end.error === null ? null : redact(end.error),
      checksum,
      e.project,
      e.migration,
      e.direction,
      e.startedAt,
      e.actor,
    ],
  )
}

/**
 * The last run of a migration left part of it in the database: it failed
 * partway, or it was still `running` when its run died (`runGone`: the
 * caller holds the lock, or sees nobody holding it).
 */
export const leftPartial = (e: Pick<JournalEntry, 'outcome'>, runGone: boolean): boolean =>
  e.outcome === 'failed' || (e.outcome === 'running' && runGone)

/**
 * The one rule for what the journal adds to a migration's ledger state: one
 * whose last up stopped partway (pending in the ledger) or whose last down
 * did (still applied in the ledger) is failed until `mig resolve` says what
 * the database holds. `runGone`: no live run holds the lock, so a `running`
 * row's run has ended without saying how.
 */
export function journaledState(
  state: MigrationState,
  last: Pick<JournalEntry, 'direction' | 'outcome'> | undefined,
  runGone: boolean,
): MigrationState {
  if (!last || !leftPartial(last, runGone)) return state
  if ((state === 'pending' && last.direction === 'up') || (state === 'applied' && last.direction === 'down')) return 'failed'
  return state
}

const fromRow = (r: Row): JournalEntry => ({
  project: r.project,
  tool: r.tool,
  migration: r.migration,
  direction: r.direction,
  checksum: r.checksum,
  actor: r.actor,
  startedAt: r.started_at,
  durationMs: Number(r.duration_ms),
  outcome: r.outcome,
  error: r.error,
  backupId: r.backup_id,
  note: r.note,
})

/** Entries for the given projects, oldest first; empty when the journal does not exist (status never creates it). */
export async function readJournal(db: Db, projects: readonly string[], limit?: number): Promise<JournalEntry[]> {
  if (!projects.length || !(await tableExists(db, JOURNAL))) return []
  const marks = projects.map(() => '?').join(', ')
  const order = limit ? `ORDER BY id DESC LIMIT ${Math.floor(limit)}` : 'ORDER BY id'
  const rows = await db.query<Row>(`SELECT ${columns(await hasNote(db))} FROM ${JOURNAL} WHERE project IN (${marks}) ${order}`, projects)
  const entries = rows.map(fromRow)
  return limit ? entries.reverse() : entries
}

/** The latest migration entry per migration of one project: a resolve after a failed up settles it. */
export function latestByMigration(entries: readonly JournalEntry[], project: string): Map<string, JournalEntry> {
  const latest = new Map<string, JournalEntry>()
  for (const e of entries)
    if (e.project === project && (e.direction === 'up' || e.direction === 'down' || e.direction === 'resolve')) latest.set(e.migration, e)
  return latest
}

/** Every entry of the database, oldest first, to carry the history across a restore. */
export async function readAllJournal(db: Db): Promise<JournalEntry[]> {
  if (!(await tableExists(db, JOURNAL))) return []
  return (await db.query<Row>(`SELECT ${columns(await hasNote(db))} FROM ${JOURNAL} ORDER BY id`)).map(fromRow)
}

/** Put back the history a restore rewound: the journal is history, not state. */
export async function replaceJournal(db: Db, entries: readonly JournalEntry[]): Promise<void> {
  await ensureJournal(db)
  await db.run(`DELETE FROM ${JOURNAL}`)
  for (const e of entries) await recordJournal(db, e)
}

/**
 * The checksum recorded when the migration was last applied successfully, or
 * marked applied by hand (resolve, outcome ok): drift is then measured from
 * the files as they were when someone vouched for them.
 */
export function appliedChecksums(entries: readonly JournalEntry[], project: string): Map<string, string | null> {
  const sums = new Map<string, string | null>()
  for (const e of entries) {
    if (e.project !== project) continue
    if (e.direction === 'resolve') {
      if (e.outcome === 'ok') sums.set(e.migration, e.checksum)
      else sums.delete(e.migration)
    } else if (e.outcome !== 'ok') continue
    else if (e.direction === 'up') sums.set(e.migration, e.checksum)
    else if (e.direction === 'down') sums.delete(e.migration)
  }
  return sums
}

/** A resolve row's outcome: marked applied is ok, marked rolled back is rolled_back. */
export const resolveOutcome = (as: 'applied' | 'rolled-back'): Outcome => (as === 'applied' ? 'ok' : 'rolled_back')
