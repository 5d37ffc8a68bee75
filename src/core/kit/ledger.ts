import type { Migration } from '../../adapter.js'

/** A row of the tool's ledger: an applied migration, or one whose run failed. */
export interface LedgerRow {
  id: string
  appliedAt?: string | undefined
  batch?: number
  /** The tool recorded the run as failed (Prisma's row without finished_at): the migration is `failed`, and may be reverted. */
  failed?: boolean
  /** The tool itself sees the applied migration's files changed (its ledger keeps a checksum, as Prisma's does). */
  drift?: boolean
}

/** A migration on disk. */
export interface MigrationOnDisk {
  id: string
  files: string[]
  /** Has a down; default true. */
  reversible?: boolean
  /** When not reversible: how to make it so. */
  irreversibleHint?: string
}

/**
 * Ledger and disk merged, as a tool that keeps one row per applied
 * migration sees them: the rows in the order given (`missing`, and not
 * reversible, when the files are gone), then the migrations on disk the
 * ledger lacks, `pending`, in the order given. A failed row comes after
 * the applied ones, so the first `down` clears it (reverting a failed run
 * needs no down of its own: the tool's own way out is to mark it rolled back).
 */
export function mergeLedger(rows: readonly LedgerRow[], disk: readonly MigrationOnDisk[], name: (id: string) => string): Migration[] {
  const byId = new Map(disk.map((m) => [m.id, m]))
  const applied = new Set(rows.map((r) => r.id))
  const reversible = (m: MigrationOnDisk) => ({
    reversible: m.reversible ?? true,
    ...(m.reversible === false && m.irreversibleHint !== undefined ? { irreversibleHint: m.irreversibleHint } : {}),
  })
  const done = [...rows.filter((r) => !r.failed), ...rows.filter((r) => r.failed)].map((r): Migration => {
    const onDisk = byId.get(r.id)
    return {
      id: r.id,
      name: name(r.id),
      files: onDisk?.files ?? [],
      state: r.failed ? 'failed' : onDisk ? 'applied' : 'missing',
      ...(r.appliedAt !== undefined ? { appliedAt: r.appliedAt } : {}),
      ...(r.batch !== undefined ? { batch: r.batch } : {}),
      ...(r.failed ? { reversible: true } : onDisk ? reversible(onDisk) : { reversible: false }),
      ...(r.drift && onDisk && !r.failed ? { drift: true } : {}),
    }
  })
  const pending = disk
    .filter((m) => !applied.has(m.id))
    .map((m): Migration => ({ id: m.id, name: name(m.id), files: m.files, state: 'pending', ...reversible(m) }))
  return [...done, ...pending]
}
