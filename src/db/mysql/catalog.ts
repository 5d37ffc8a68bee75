import type { Queryable } from '../driver.js'
import type { Db } from '../types.js'

export async function tableExists(db: Queryable, table: string, schema?: string): Promise<boolean> {
  return (
    (
      await db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?', [
        schema ?? null,
        table,
      ])
    ).length > 0
  )
}

export async function listTables(db: Queryable): Promise<string[]> {
  return (
    await db.query<{ name?: string; NAME?: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1',
    )
  ).map((r) => String(r.name ?? r.NAME))
}

export async function serverVersion(db: Queryable): Promise<string> {
  return String((await db.query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v)
}

export const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``

/** DROP DATABASE waits for every session's metadata locks in it: sessions still there (an interrupted run's) are ended first. */
export async function dropDatabase(admin: Db, name: string): Promise<void> {
  const sessions = await admin.query<{ id: number }>(
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
    [name],
  )
  for (const s of sessions) await admin.run(`KILL CONNECTION ${Number(s.id)}`).catch(() => {})
  await admin.run(`DROP DATABASE IF EXISTS ${ident(name)}`)
}
