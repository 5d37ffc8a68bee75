import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SCRATCH_PREFIX, type ScratchDriver } from '../scratch.js'
import type { DatabaseTarget } from '../types.js'
import { parseDatabaseUrl } from '../url.js'

/** SQLite scratch databases are files in the temp directory, whatever the target: a file anyone may create. */
const fileOf = (name: string): string => join(tmpdir(), `${name}.db`)
const removeFiles = (name: string): void => {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${fileOf(name)}${suffix}`, { force: true })
}
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** Creation order: a view or trigger may name any table or view, an index only its table. */
const kinds = ['table', 'index', 'view', 'trigger']

export const sqliteScratch: ScratchDriver = {
  async create(_server, name) {
    removeFiles(name)
    // An empty file is an empty database: the scratch exists from now on, as a server's does.
    writeFileSync(fileOf(name), '', { mode: 0o600 })
    return parseDatabaseUrl(`sqlite:${fileOf(name)}`, '/')
  },
  async drop(_server, name) {
    removeFiles(name)
  },
  dropSync(_server, name) {
    removeFiles(name)
  },
  async list() {
    return readdirSync(tmpdir())
      .filter((f) => f.startsWith(SCRATCH_PREFIX) && f.endsWith('.db'))
      .map((f) => f.slice(0, -'.db'.length))
  },
  denied: () => false,
  /** The DDL of sqlite_master in order, then the ledgers' rows (and their AUTOINCREMENT counters), in one transaction. */
  async clone(source: DatabaseTarget, scratch: DatabaseTarget, ledgerTables) {
    if (!source.file || !existsSync(source.file)) return
    const { default: Database } = await import('better-sqlite3')
    const from = new Database(source.file, { readonly: true, fileMustExist: true })
    const to = new Database(scratch.file!)
    try {
      const objects = from
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
        .all() as { type: string; name: string; sql: string }[]
      // A virtual table (FTS) creates its own shadow tables: created again, they would clash.
      const virtual = objects.filter((o) => /^create\s+virtual\s+table/i.test(o.sql)).map((o) => `${o.name}_`)
      const own = objects.filter(
        (o) => !(o.type === 'table' && !/^create\s+virtual/i.test(o.sql) && virtual.some((v) => o.name.startsWith(v))),
      )
      const ledgers = ledgerTables.filter((t) => objects.some((o) => o.type === 'table' && o.name === t))
      const counters =
        objects.length && from.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get()
          ? (from.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: number }[])
          : []
      to.transaction(() => {
        for (const kind of kinds) for (const o of own.filter((x) => x.type === kind)) to.exec(o.sql)
        for (const table of ledgers) {
          const rows = from
            .prepare(`SELECT * FROM ${quote(table)}`)
            .raw()
            .all() as unknown[][]
          if (!rows.length) continue
          const insert = to.prepare(`INSERT INTO ${quote(table)} VALUES (${rows[0]!.map(() => '?').join(', ')})`)
          for (const row of rows) insert.run(...row)
        }
        for (const c of counters.filter((c) => ledgers.includes(c.name))) {
          to.prepare('UPDATE sqlite_sequence SET seq = ? WHERE name = ?').run(c.seq, c.name)
        }
      })()
    } finally {
      from.close()
      to.close()
    }
  },
}
