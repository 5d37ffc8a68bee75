import { createReadStream } from 'node:fs'
import { besideName, handOver, notChanged, onDatabase } from '../../backup/swap.js'
import { runTool, toolVersion } from '../../backup/tools.js'
import { MigError, errorMessage } from '../../output/errors.js'
import type { BackupDriver, RestoreSteps } from '../driver.js'
import type { DatabaseTarget, Db } from '../types.js'
import { dropDatabase, ident } from './catalog.js'
import { pick, withOptionsFile } from './client.js'
import { serverParts } from '../url.js'

/** The same dialect's connections, without the registry (which loads this folder). */
const connect = async (target: DatabaseTarget): Promise<Db> => (await import('./connect.js')).connectMysql(target)

/** Debian packages of the client tools, for the install hint. */
const installs: Record<string, string> = {
  'mariadb-dump': 'mariadb-client',
  mysqldump: 'mariadb-client (or mysql-client)',
  mariadb: 'mariadb-client',
  mysql: 'mariadb-client (or mysql-client)',
}

export const mysqlBackup: BackupDriver = {
  extension: 'sql',
  tool: async () => {
    const command = await pick('mariadb-dump', 'mysqldump')
    return toolVersion(command, installs[command])
  },
  async dump(target, file) {
    const command = await pick('mariadb-dump', 'mysqldump')
    return withOptionsFile(target, async (args, database) => {
      const r = await runTool({
        command,
        args: [...args, '--single-transaction', '--routines', '--triggers', '--events', '--hex-blob', database],
        stdoutTo: file,
        installs: installs[command]!,
      })
      return { sha256: r.sha256!, size: r.size! }
    })
  },
  /**
   * Load the dump into a fresh database beside the target, then swap. MariaDB
   * cannot rename a database, so the tables move: one RENAME TABLE statement
   * (atomic) moves the target's tables into a holding database and the fresh
   * ones into the target. Views, triggers, routines and events cannot move
   * between databases: they are read from the fresh copy and recreated in
   * the target after the tables (the target's own are dropped first).
   */
  async restore(target, file, steps: RestoreSteps) {
    const p = serverParts(target)
    const fresh = besideName(p.database, 'restore')
    const hold = besideName(p.database, 'old')
    let created = false
    let swapped = false
    try {
      const admin = await connect(target)
      try {
        const [schema] = await admin.query<{ cs: string; co: string }>(
          'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
          [p.database],
        )
        await admin.run(`CREATE DATABASE ${ident(fresh)}${schema ? ` CHARACTER SET ${schema.cs} COLLATE ${schema.co}` : ''}`)
        created = true
      } finally {
        await admin.close()
      }
      const command = await pick('mariadb', 'mysql')
      await withOptionsFile(target, (args) =>
        runTool({ command, args: [...args, fresh], stdinFrom: createReadStream(file), installs: installs[command]! }),
      )
      await handOver(() => connect(onDatabase(target, fresh)), steps)
      // A new connection: a cut during the load may have broken every earlier one.
      const db = await connect(target)
      try {
        await swapTables(db, p.database, fresh, hold, () => (swapped = true))
      } finally {
        await db.close()
      }
    } catch (error) {
      if (!swapped) {
        if (created) await dropDatabases(target, [fresh, hold]).catch(() => {})
        throw notChanged(target, error)
      }
      throw new MigError(
        'RESTORE_INCOMPLETE',
        `restore into ${target.display}: the tables were swapped in, but recreating views, triggers or routines failed: ${errorMessage(error)}`,
        `the previous tables are in ${hold}, the loaded copy in ${fresh}; recreate the missing objects from the dump by hand`,
        { cause: error },
      )
    }
    await dropDatabases(target, [hold, fresh]).catch((error: unknown) =>
      steps.warn(`restored, but ${hold} or ${fresh} could not be dropped: ${errorMessage(error)}; drop them by hand`),
    )
  },
}

async function dropDatabases(target: DatabaseTarget, names: string[]): Promise<void> {
  const db = await connect(target)
  try {
    for (const name of names) await dropDatabase(db, name)
  } finally {
    await db.close()
  }
}

type Row = Record<string, unknown>
const field = (row: Row | undefined, pattern: RegExp): string => String(Object.entries(row ?? {}).find(([k]) => pattern.test(k))?.[1] ?? '')

/** The CREATE statements of a database's views, triggers, routines and events, to recreate them elsewhere. */
async function objects(
  db: Db,
  database: string,
): Promise<{ views: { name: string; sql: string }[]; others: { kind: string; name: string; sql: string }[] }> {
  const q = ident(database)
  const views = []
  for (const r of await db.query<Row>(
    "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW'",
    [database],
  )) {
    const name = String(r.n)
    views.push({ name, sql: field((await db.query<Row>(`SHOW CREATE VIEW ${q}.${ident(name)}`))[0], /^create view$/i) })
  }
  const others: { kind: string; name: string; sql: string }[] = []
  const list = async (kind: string, sql: string, column: RegExp) => {
    for (const r of await db.query<Row>(sql, [database])) {
      const name = String(r.n)
      others.push({ kind, name, sql: field((await db.query<Row>(`SHOW CREATE ${kind} ${q}.${ident(name)}`))[0], column) })
    }
  }
  await list('TRIGGER', 'SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?', /^sql original statement$/i)
  await list(
    'PROCEDURE',
    "SELECT ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = 'PROCEDURE'",
    /^create procedure$/i,
  )
  await list(
    'FUNCTION',
    "SELECT ROUTINE_NAME AS n FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE = 'FUNCTION'",
    /^create function$/i,
  )
  await list('EVENT', 'SELECT EVENT_NAME AS n FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?', /^create event$/i)
  return { views, others }
}

async function baseTables(db: Db, database: string): Promise<string[]> {
  return (
    await db.query<Row>("SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'", [
      database,
    ])
  ).map((r) => String(r.n))
}

/**
 * Swap the fresh database's tables into the target. Triggers block moving a
 * table between databases, so both sides' are dropped before the rename;
 * should the rename fail, the target's are put back and the target is as it
 * was. `onSwapped` marks the point of no return.
 */
async function swapTables(db: Db, target: string, fresh: string, hold: string, onSwapped: () => void): Promise<void> {
  const [t, f] = [ident(target), ident(fresh)]
  const mine = await objects(db, target)
  const theirs = await objects(db, fresh)
  const oldTables = await baseTables(db, target)
  const newTables = await baseTables(db, fresh)
  await db.run(`CREATE DATABASE ${ident(hold)}`)
  for (const o of theirs.others.filter((o) => o.kind === 'TRIGGER')) await db.run(`DROP TRIGGER ${f}.${ident(o.name)}`)
  const myTriggers = mine.others.filter((o) => o.kind === 'TRIGGER')
  for (const o of myTriggers) await db.run(`DROP TRIGGER ${t}.${ident(o.name)}`)
  try {
    const moves = [
      ...oldTables.map((n) => `${t}.${ident(n)} TO ${ident(hold)}.${ident(n)}`),
      ...newTables.map((n) => `${f}.${ident(n)} TO ${t}.${ident(n)}`),
    ]
    if (moves.length) await db.run(`RENAME TABLE ${moves.join(', ')}`)
  } catch (error) {
    await db.run(`USE ${t}`)
    for (const o of myTriggers) await db.run(o.sql)
    throw error
  }
  onSwapped()
  await db.run(`USE ${t}`)
  for (const v of mine.views) await db.run(`DROP VIEW IF EXISTS ${t}.${ident(v.name)}`)
  for (const o of mine.others.filter((o) => o.kind !== 'TRIGGER')) await db.run(`DROP ${o.kind} IF EXISTS ${t}.${ident(o.name)}`)
  // The server writes a view's definition with its database's name: point it at the target.
  const pending = theirs.views.map((v) => ({ ...v, sql: v.sql.split(`${f}.`).join(`${t}.`) }))
  // A view may select from another view: create in rounds until none is left, a bounded number of times.
  for (let round = 0; pending.length && round <= theirs.views.length; round++) {
    for (const v of [...pending]) {
      try {
        await db.run(v.sql)
        pending.splice(pending.indexOf(v), 1)
      } catch (error) {
        if (round === theirs.views.length) throw error
      }
    }
  }
  for (const o of theirs.others) await db.run(o.sql)
}
