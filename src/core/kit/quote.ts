import type { Dialect } from '../../db/types.js'

/**
 * A name quoted as `dialect` quotes it, `schema.name` when `schema` is given:
 * a tool's ledger table in SQL run on core's connection. Quoted always, as
 * the tools keep their names' case (`SequelizeMeta`, `_prisma_migrations`).
 */
export function quoteName(dialect: Dialect, name: string, schema?: string): string {
  const quote = (part: string) => (dialect === 'mysql' ? `\`${part.replace(/`/g, '``')}\`` : `"${part.replace(/"/g, '""')}"`)
  return schema ? `${quote(schema)}.${quote(name)}` : quote(name)
}
