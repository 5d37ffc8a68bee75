import type { Queryable } from '../driver.js'
import type { Db } from '../types.js'

export async function tableExists(db: Queryable, table: string, schema?: string): Promise<boolean> {
  return schema
    ? (await db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, table])).length > 0
    : (await db.query<{ t: string | null }>('SELECT to_regclass(quote_ident(?))::text AS t', [table]))[0]?.t != null
}

export async function listTables(db: Queryable): Promise<string[]> {
  return (
    await db.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
    )
  ).map((r) => String(r.name))
}

export async function serverVersion(db: Queryable): Promise<string> {
  return `PostgreSQL ${String((await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v)}`
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** FORCE ends the sessions still on it (PostgreSQL 13+). */
export async function dropDatabase(admin: Db, name: string): Promise<void> {
  await admin.run(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
}
