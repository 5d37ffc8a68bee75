import { connect } from '../db/connect.js'
import { databasesOf } from './log.js'
import { type LockHolder, lockDrivers } from './lock/index.js'
import { type Workspace, closeAll } from './workspace.js'

export interface LockReport {
  database: string
  projects: string[]
  kind: 'mig'
  holder?: LockHolder
  released: boolean
}

/** Look at each database's lock; with `release`, free stale ones (and live ones with `force`). */
export async function unlock(ws: Workspace, options: { release: boolean; force: boolean }): Promise<LockReport[]> {
  const reports: LockReport[] = []
  for (const { target, projects } of await databasesOf(ws)) {
    const db = await connect(target)
    try {
      const driver = lockDrivers[db.dialect]
      const holder = await driver.holder(db)
      const release = !!holder && options.release && (holder.stale || options.force)
      if (release) await driver.breakLock(db)
      reports.push({ database: target.display, projects, kind: 'mig', ...(holder ? { holder } : {}), released: release })
    } finally {
      await closeAll([db])
    }
  }
  return reports
}
