import { connectExisting } from '../db/connect.js'
import type { DatabaseTarget } from '../db/types.js'
import { type JournalEntry, readJournal } from './journal.js'
import { type Workspace, closeAll, openSession } from './workspace.js'

/** The projects' databases, each once, with the project names that live there. */
export async function databasesOf(ws: Workspace): Promise<{ target: DatabaseTarget; projects: string[] }[]> {
  const byKey = new Map<string, { target: DatabaseTarget; projects: string[] }>()
  for (const project of ws.projects) {
    if (!project.adapter) continue
    const session = await openSession(ws, project)
    try {
      const entry = byKey.get(session.target.key) ?? { target: session.target, projects: [] }
      entry.projects.push(project.name)
      byKey.set(session.target.key, entry)
    } finally {
      await session.close()
    }
  }
  return [...byKey.values()]
}

/** The newest `limit` journal entries across the selected projects, oldest first. */
export async function journalLog(ws: Workspace, limit: number): Promise<(JournalEntry & { database: string })[]> {
  const entries: (JournalEntry & { database: string })[] = []
  for (const { target, projects } of await databasesOf(ws)) {
    const db = await connectExisting(target)
    try {
      for (const e of await readJournal(db, projects, limit)) entries.push({ ...e, database: target.display })
    } finally {
      await closeAll([db])
    }
  }
  return entries.sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-limit)
}
