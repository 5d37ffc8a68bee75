/**
 * A timestamp from a tool's ledger as core's connections return it: a Date
 * (PostgreSQL), epoch milliseconds as a number or digits (SQLite, where
 * knex and Prisma write integers), or text — ISO, or MySQL's
 * `YYYY-MM-DD HH:MM:SS[.mmm]` without a zone, which `naive` says how the
 * tool wrote: in UTC (Prisma) or in the local time of the process that wrote
 * it (knex, through the driver's default). Undefined for no value.
 */
export function readTime(value: unknown, naive: 'utc' | 'local' = 'utc'): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined
  if (value instanceof Date) return value
  const text = String(value)
  if (typeof value === 'number' || typeof value === 'bigint' || /^\d+$/.test(text)) return new Date(Number(value))
  // ECMAScript reads `YYYY-MM-DDTHH:MM:SS` without a zone as local time.
  const iso = text.replace(' ', 'T')
  return new Date(naive === 'local' || /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`)
}
