import type { Migration } from '../adapter.js'

/**
 * The timestamp in a migration id, normalised to 17 digits
 * (YYYYMMDDHHMMSSmmm) so both forms compare as strings:
 * 14-digit `YYYYMMDDHHMMSS` (knex, sequelize, prisma) and 13-digit epoch ms
 * (TypeORM). Anything else is untimed.
 */
export function parseTimestamp(id: string): string | undefined {
  const digits = /^(\d+)/.exec(id)?.[1] ?? /(\d{13})$/.exec(id.replace(/\.[a-z]+$/i, ''))?.[1]
  if (!digits) return undefined
  if (digits.length === 14 && validDate(digits)) return `${digits}000`
  if (digits.length === 13) {
    const date = new Date(Number(digits))
    if (Number.isNaN(date.getTime())) return undefined
    return date.toISOString().replace(/\D/g, '').slice(0, 17)
  }
  return undefined
}

function validDate(d: string): boolean {
  const month = Number(d.slice(4, 6))
  const day = Number(d.slice(6, 8))
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && Number(d.slice(8, 10)) < 24
}

export interface Queue<T> {
  project: string
  items: T[]
}

const stamp = (m: Migration): string | undefined => m.timestamp ?? parseTimestamp(m.id)

/**
 * Merge per-project queues into one global order, keeping each project's own
 * order. At each step the head with the oldest timestamp goes first
 * (`newest` for down); an untimed head, or a tie, goes by project order.
 */
export function mergeQueues(queues: Queue<Migration>[], direction: 'up' | 'down'): { project: string; migration: Migration }[] {
  const heads = queues.map(() => 0)
  const out: { project: string; migration: Migration }[] = []
  const order = direction === 'up' ? queues.map((_, i) => i) : queues.map((_, i) => queues.length - 1 - i)
  for (;;) {
    let best: string | undefined
    for (const i of order) {
      const m = queues[i]!.items[heads[i]!]
      const t = m && stamp(m)
      if (t && (best === undefined || (direction === 'up' ? t < best : t > best))) best = t
    }
    let chosen = -1
    for (const i of order) {
      const m = queues[i]!.items[heads[i]!]
      if (!m) continue
      const t = stamp(m)
      if (t === undefined || best === undefined || t === best) {
        chosen = i
        break
      }
    }
    if (chosen < 0) return out
    const queue = queues[chosen]!
    out.push({ project: queue.project, migration: queue.items[heads[chosen]!]! })
    heads[chosen] = heads[chosen]! + 1
  }
}
