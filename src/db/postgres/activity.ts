import { hostname } from 'node:os'
import type { Db } from '../types.js'

/** Shown to other sessions (pg_stat_activity) so a waiter can say who holds the lock, and so core finds this process's statements. */
export const applicationName = (): string => `mig pid ${process.pid} on ${hostname()}`.slice(0, 63)

/**
 * Cancel this process's statement in flight (the adapter's connection
 * carries the same application_name as core's), so a long one inside a
 * transaction ends now and rolls back instead of running on.
 */
export async function cancelInFlight(db: Db): Promise<void> {
  await db.query(
    "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()",
    [applicationName()],
  )
}

/**
 * Wait (up to 10 s) until no statement of this process is still running on
 * the server. A backend whose client vanished mid-COMMIT may still be
 * committing, and a ledger read before it ends would say "not applied".
 */
export async function settle(db: Db): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const busy = await db.query(
      "SELECT 1 FROM pg_stat_activity WHERE application_name = ? AND state NOT IN ('idle') AND pid <> pg_backend_pid() AND datname = current_database()",
      [applicationName()],
    )
    if (!busy.length) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
