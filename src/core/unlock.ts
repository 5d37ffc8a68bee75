import { connect } from '../db/connect.js'
import { driverOf } from '../db/drivers.js'
import type { LockHolder } from './lock/index.js'
import { type Workspace, closeAll, openSession } from './workspace.js'

export interface LockReport {
  database: string
  projects: string[]
  /** mig: mig's own lock; otherwise the tool's lock table (e.g. knex_migrations_lock). */
  kind: string
  holder?: LockHolder
  released: boolean
}

/**
 * Look at every lock on the selected projects' databases: mig's, and each
 * tool's own. With `release`, free mig locks whose holder is gone (live ones
 * only with `force`) and held tool locks, which cannot tell a crashed run
 * from a live one, only while no mig run holds that database.
 */
export async function unlock(ws: Workspace, options: { release: boolean; force: boolean }): Promise<LockReport[]> {
  const databases = new Map<string, { report: LockReport; tool: LockReport[]; releaseTool: (() => Promise<void>)[] }>()
  for (const project of ws.projects) {
    if (!project.adapter) continue
    const session = await openSession(ws, project)
    try {
      const key = session.target.key
      let entry = databases.get(key)
      if (!entry) {
        const db = await connect(session.target)
        try {
          const driver = driverOf(db).lock
          const holder = await driver.holder(db)
          const release = !!holder && options.release && (holder.stale || options.force)
          if (release) await driver.breakLock(db)
          entry = {
            report: { database: session.target.display, projects: [], kind: 'mig', ...(holder ? { holder } : {}), released: release },
            tool: [],
            releaseTool: [],
          }
        } finally {
          await closeAll([db])
        }
        databases.set(key, entry)
      }
      entry.report.projects.push(project.name)
      const toolLock = await session.toolLock?.()
      if (toolLock) {
        const migRunActive = !!entry.report.holder && !entry.report.released && !entry.report.holder.stale
        const release = toolLock.held && options.release && (!migRunActive || options.force)
        if (release) await toolLock.release()
        entry.tool.push({
          database: session.target.display,
          projects: [project.name],
          kind: toolLock.name,
          ...(toolLock.held
            ? { holder: { who: `${project.tool} (${toolLock.name})`, ...(toolLock.since ? { since: toolLock.since } : {}), stale: false } }
            : {}),
          released: release,
        })
      }
    } finally {
      await session.close()
    }
  }
  return [...databases.values()].flatMap((e) => [e.report, ...e.tool])
}
