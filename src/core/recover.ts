import type { Migration } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { applicationName, connect } from '../db/connect.js'
import { isConnectionLost } from '../db/connection-errors.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { type Workspace, openSession } from './workspace.js'

/**
 * Core's connection to one database for journal rows. The run's own may die
 * under it (a cut link, the lock's session killed); the journal is history
 * worth keeping then, so a write that finds it dead goes through a new one.
 */
export class JournalConnection {
  private fresh: Db | undefined

  constructor(private readonly db: Db) {}

  /** `fn`, or `again` on a new connection when the old one died under it (the first attempt may have been carried out). */
  async write(fn: (db: Db) => Promise<void>, again: (db: Db) => Promise<void> = fn): Promise<void> {
    try {
      await fn(this.fresh ?? this.db)
    } catch (error) {
      if (!isConnectionLost(error)) throw error
      await this.fresh?.close()
      this.fresh = await connect(this.db.target)
      await again(this.fresh)
    }
  }

  async close(): Promise<void> {
    await this.fresh?.close()
  }
}

/** What the tool's ledger says of a step whose connection died under it. */
export type Reread = 'done' | 'not-done' | 'unknown'

/**
 * Whether `m` was applied (up) or reverted (down) after all, by the tool's
 * ledger read through a new session: a COMMIT may have reached the server
 * even though its reply never came back.
 */
export async function rereadLedger(ws: Workspace, project: Project, m: Migration, direction: 'up' | 'down'): Promise<Reread> {
  let session
  try {
    session = await openSession(ws, project)
    await settled(session.target)
    const applied = (await session.list()).some((now) => now.id === m.id && now.state === 'applied')
    return applied === (direction === 'up') ? 'done' : 'not-done'
  } catch {
    return 'unknown'
  } finally {
    await session?.close().catch(() => {})
  }
}

/**
 * PostgreSQL: wait (up to 10 s) until no statement of this process is still
 * running on the server. A backend whose client vanished mid-COMMIT may still
 * be committing, and a ledger read before it ends would say "not applied".
 */
async function settled(target: DatabaseTarget): Promise<void> {
  if (target.dialect !== 'postgres') return
  const db = await connect(target)
  try {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      const busy = await db.query("SELECT 1 FROM pg_stat_activity WHERE application_name = ? AND state NOT IN ('idle') AND pid <> pg_backend_pid() AND datname = current_database()", [applicationName()])
      if (!busy.length) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await db.close()
  }
}
