import type { Migration } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { connect } from '../db/connect.js'
import { isConnectionLost, loadDriver } from '../db/drivers.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { type Workspace, openSession } from './workspace.js'

/**
 * Core's connection to one database for journal rows. The run's own may die
 * under it (a cut link, the lock's session killed); the journal is history
 * worth keeping then, so a write that finds it dead goes through a new one.
 */
export class JournalConnection {
  private fresh: Db | undefined

  /** `table`: the journal's name as another connection to the database writes it (journalTable). */
  constructor(
    private readonly db: Db,
    readonly table: string,
  ) {}

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

/** Where the dialect can tell (PostgreSQL), wait until no statement of this process still runs on the server, on a connection of its own. */
async function settled(target: DatabaseTarget): Promise<void> {
  const driver = await loadDriver(target.dialect)
  if (!driver.settle) return
  const db = await connect(target)
  try {
    await driver.settle(db)
  } finally {
    await db.close()
  }
}
