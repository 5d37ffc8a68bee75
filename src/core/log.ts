import { connectExisting } from '../db/connect.js'
import type { DatabaseTarget } from '../db/types.js'
import { type JournalEntry, readJournal } from './journal.js'
import { type Workspace, byDatabase, closeAll, openSessions } from './workspace.js'

/** The projects' databases, each once, with the project names that live there. */
export async function databasesOf(ws: Workspace): Promise<{ target: DatabaseTarget; projects: string[] }[]> {
  const projects = ws.projects.filter((p) => p.adapter)
  const sessions = await openSessions(ws, projects)
  try {
    return byDatabase(projects, sessions).map((g) => ({ target: g.target, projects: g.projects.map((p) => p.name) }))
  } finally {
    await closeAll(sessions.values())
  }
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
