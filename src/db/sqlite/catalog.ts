import type { Queryable } from '../driver.js'

/** One file is one database: `schema` has no meaning here. */
export async function tableExists(db: Queryable, table: string): Promise<boolean> {
  return (await db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table])).length > 0
}

export async function listTables(db: Queryable): Promise<string[]> {
  return (
    await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1")
  ).map((r) => String(r.name))
}

export async function serverVersion(db: Queryable): Promise<string> {
  return `SQLite ${String((await db.query<{ v: string }>('SELECT sqlite_version() AS v'))[0]?.v)}`
}
