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

export interface Placed {
  project: string
  migration: Migration
}

const stamp = (m: Migration): string | undefined => m.timestamp ?? parseTimestamp(m.id)

/**
 * The global `up` order (DESIGN.md §5): merge per-project queues, keeping
 * each project's own order. At each step the oldest timed head goes first;
 * an untimed head (`001_x`) waits until no project's head is timed, because
 * a sequence number says nothing about when it was written relative to
 * another tool's timestamps. Ties, and untimed heads among themselves, go by
 * project order. A project whose own order puts an untimed migration before
 * timed ones keeps that order: its timed ones wait behind it.
 */
export function mergeQueues(queues: Queue<Migration>[]): Placed[] {
  const heads = queues.map(() => 0)
  const out: Placed[] = []
  for (;;) {
    let chosen = -1
    let best: string | undefined
    queues.forEach((queue, i) => {
      const m = queue.items[heads[i]!]
      if (!m) return
      const t = stamp(m)
      if (chosen < 0 || (t !== undefined && (best === undefined || t < best))) [chosen, best] = [i, t]
    })
    if (chosen < 0) return out
    const queue = queues[chosen]!
    out.push({ project: queue.project, migration: queue.items[heads[chosen]!]! })
    heads[chosen] = heads[chosen]! + 1
  }
}

/**
 * When an applied migration was applied, as an interval of epoch ms: exact
 * from mig's journal, `[t, t + 999]` from a ledger whose column may keep whole
 * seconds only (knex's `migration_time` on MySQL). `seq` is the journal row's
 * position within its database's journal, which orders two rows written in
 * the same millisecond.
 */
export interface AppliedTime {
  from: number
  to: number
  seq?: { database: string; n: number }
}

type Ranked = Placed & { rank: number; time?: AppliedTime }
const placed = ({ project, migration }: Placed): Placed => ({ project, migration })

/** The next global `down` cannot be chosen: who was applied last is not known. */
export interface UnknownOrder {
  /** Every project's last applied migration, the choice that could not be made. */
  candidates: Placed[]
  /** The candidates without a known apply time; empty when times are known but too close to tell apart. */
  untimed: Placed[]
}

/**
 * The global `down` order (DESIGN.md §5): the reverse of application order.
 * Each project's queue is its applied migrations, last applied first, as the
 * project itself would revert them; at each step the head applied most
 * recently goes. Heads of different projects are compared only when every
 * head's apply time is known, and are separable: otherwise the choice is
 * refused (`unknown`), never guessed. Migrations applied in the same
 * millisecond go by journal row when they share a journal, else in the
 * reverse of the order `up` would have applied them in.
 */
export function mergeApplied(
  queues: Queue<Migration>[],
  timeOf: (p: Placed) => AppliedTime | undefined,
  limit: number,
): { steps: Placed[]; unknown?: UnknownOrder } {
  const heads = queues.map(() => 0)
  const steps: Placed[] = []
  while (steps.length < limit) {
    const candidates: Ranked[] = []
    queues.forEach((queue, rank) => {
      const migration = queue.items[heads[rank]!]
      if (!migration) return
      const placed = { project: queue.project, migration }
      const time = timeOf(placed)
      candidates.push({ ...placed, rank, ...(time ? { time } : {}) })
    })
    if (!candidates.length) break
    const untimed = candidates.filter((c) => !c.time)
    const chosen =
      candidates.length === 1
        ? candidates[0]
        : untimed.length
          ? undefined
          : candidates.find((c) => candidates.every((o) => o === c || appliedAfter(c, o)))
    if (!chosen) return { steps, unknown: { candidates: candidates.map(placed), untimed: untimed.map(placed) } }
    steps.push({ project: chosen.project, migration: chosen.migration })
    heads[chosen.rank] = heads[chosen.rank]! + 1
  }
  return { steps }
}

function appliedAfter(a: Ranked, b: Ranked): boolean {
  const [x, y] = [a.time!, b.time!]
  if (x.from > y.to) return true
  if (y.from > x.to) return false
  if (x.from !== x.to || y.from !== y.to) return false
  if (x.seq && y.seq && x.seq.database === y.seq.database) return x.seq.n > y.seq.n
  return upAfter(a, b)
}

/** Whether `up` would place `a` after `b` (timed before untimed, oldest first, then project order). */
function upAfter(a: Ranked, b: Ranked): boolean {
  const [s, t] = [stamp(a.migration), stamp(b.migration)]
  if (s !== t) return s === undefined || (t !== undefined && s > t)
  return a.rank > b.rank
}
