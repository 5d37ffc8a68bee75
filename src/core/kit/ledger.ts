import type { Migration } from '../../adapter.js'

/** A row of the tool's ledger: an applied migration. */
export interface LedgerRow {
  id: string
  appliedAt?: string
  batch?: number
}

/** A migration on disk. */
export interface MigrationOnDisk {
  id: string
  files: string[]
  /** Has a down; default true. */
  reversible?: boolean
}

/**
 * Ledger and disk merged, as a tool that keeps one row per applied
 * migration sees them: the rows in the order given (`missing`, and not
 * reversible, when the files are gone), then the migrations on disk the
 * ledger lacks, `pending`, in the order given.
 */
export function mergeLedger(rows: readonly LedgerRow[], disk: readonly MigrationOnDisk[], name: (id: string) => string): Migration[] {
  const byId = new Map(disk.map((m) => [m.id, m]))
  const applied = new Set(rows.map((r) => r.id))
  const done = rows.map((r): Migration => {
    const onDisk = byId.get(r.id)
    return {
      id: r.id,
      name: name(r.id),
      files: onDisk?.files ?? [],
      state: onDisk ? 'applied' : 'missing',
      ...(r.appliedAt !== undefined ? { appliedAt: r.appliedAt } : {}),
      ...(r.batch !== undefined ? { batch: r.batch } : {}),
      reversible: onDisk ? (onDisk.reversible ?? true) : false,
    }
  })
  const pending = disk
    .filter((m) => !applied.has(m.id))
    .map((m): Migration => ({ id: m.id, name: name(m.id), files: m.files, state: 'pending', reversible: m.reversible ?? true }))
  return [...done, ...pending]
}
