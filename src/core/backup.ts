import { spawnSync } from 'node:child_process'
import type { Session } from '../adapter.js'
import { type Manifest, applyRetention, backupDatabase, backupRoot, findBackup, verifyBackup } from '../backup/store.js'
import { connect } from '../db/connect.js'
import { driverOf } from '../db/drivers.js'
import type { Db } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'
import { type JournalEntry, actor, ensureJournal, readAllJournal, recordJournal, replaceJournal } from './journal.js'
import { type HeldLock, type LockHolder, acquireLock } from './lock/index.js'
import { type Workspace, byDatabase, closeAll, openSessions } from './workspace.js'

export interface BackupOptions {
  lockTimeoutMs: number
  /** Something done but worth a look: a leftover database, a manifest that was skipped. */
  onWarning?(message: string): void
  onLockWait?(database: string, holder: LockHolder | undefined): void
}

/**
 * Back up one database whose lock the caller holds: dump, manifest, a journal
 * entry for each project on it, then retention.
 */
export async function backupHeld(
  ws: Workspace,
  group: ReturnType<typeof byDatabase>[number],
  db: Db,
  warn?: (message: string) => void,
): Promise<Manifest> {
  const root = backupRoot(ws.config.dir, ws.config.config.backup?.dir)
  const started = Date.now()
  const manifest = await backupDatabase(group, db, root)
  await ensureJournal(db)
  for (const project of group.projects) {
    await recordJournal(db, {
      project: project.name,
      tool: project.tool,
      migration: '-',
      direction: 'backup',
      checksum: manifest.sha256,
      actor: actor(),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      outcome: 'ok',
      error: null,
      backupId: manifest.id,
    })
  }
  await applyRetention(root, manifest.databaseKey, ws.config.config.backup?.keep, warn)
  return manifest
}

/** `mig backup`: one backup per distinct database of the selected projects, each under its lock. */
export async function backup(ws: Workspace, options: BackupOptions): Promise<Manifest[]> {
  const sessions = await openSessions(ws, ws.projects)
  const manifests: Manifest[] = []
  try {
    for (const group of byDatabase(ws.projects, sessions)) {
      const db = await connect(group.target)
      let lock: HeldLock | undefined
      try {
        lock = await acquireLock(db, options.lockTimeoutMs, (h) => options.onLockWait?.(group.target.display, h))
        manifests.push(await backupHeld(ws, group, db, options.onWarning))
      } finally {
        await lock?.release().catch(() => {})
        await closeAll([db])
      }
    }
  } finally {
    await closeAll(sessions.values())
  }
  return manifests
}

export interface RestorePlan {
  manifest: Manifest
  database: string
  /** Per project: applied ids in the backup, and now. */
  projects: { name: string; backup: string[]; now: string[] }[]
}

/**
 * `mig restore ID`: check the dump against its manifest before anything
 * else, show what will be replaced and ask (`confirm`), then replace the
 * whole database under its lock. The journal keeps its full history across
 * the restore, plus a restore entry.
 */
export async function restore(
  ws: Workspace,
  id: string,
  options: BackupOptions & { confirm(plan: RestorePlan): Promise<boolean> },
): Promise<RestorePlan | undefined> {
  const root = backupRoot(ws.config.dir, ws.config.config.backup?.dir)
  const manifest = await findBackup(root, id)
  const file = await verifyBackup(manifest)
  const projects = manifest.projects.map((name) => {
    const project = ws.projects.find((p) => p.name === name)
    if (!project)
      throw new MigError(
        'RESTORE_PROJECT',
        `backup ${id} is of project "${name}", which is not in this repository's projects`,
        'run restore from the repository the backup was taken in, or restore the dump by hand',
      )
    return project
  })
  const sessions = await openSessions(ws, projects)
  let plan: RestorePlan
  let target: Session['target']
  try {
    target = sessions.get(projects[0]!.name)!.target
    if (target.key !== manifest.databaseKey) {
      // Two displays can read the same (a relative SQLite path from another folder, another ?schema=): then name them by key, which differs.
      const [was, now] = manifest.database === target.display ? [manifest.databaseKey, target.key] : [manifest.database, target.display]
      throw new MigError(
        'RESTORE_TARGET',
        `backup ${id} is of ${was}, but ${projects[0]!.name} now points at ${now}`,
        "check --env and the project's connection; mig restores only into the database the backup came from",
      )
    }
    plan = { manifest, database: target.display, projects: [] }
    for (const p of projects) {
      const now = (await sessions.get(p.name)!.list()).filter((m) => m.state === 'applied' || m.state === 'missing').map((m) => m.id)
      plan.projects.push({ name: p.name, backup: manifest.migrations[p.name] ?? [], now })
    }
  } finally {
    await closeAll(sessions.values())
  }
  if (!(await options.confirm(plan))) return undefined

  let db: Db | undefined = await connect(target)
  const driver = driverOf(db)
  let lock: HeldLock | undefined
  const started = Date.now()
  const entry = (outcome: 'ok' | 'failed', error: string | null) =>
    projects.map((p) => ({
      project: p.name,
      tool: p.tool,
      migration: '-',
      direction: 'restore' as const,
      checksum: manifest.sha256,
      actor: actor(),
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      outcome,
      error,
      backupId: manifest.id,
    }))
  const release = async () => {
    await lock?.release().catch(() => {})
    await closeAll(db ? [db] : [])
    db = undefined
  }
  try {
    lock = await acquireLock(db, options.lockTimeoutMs, (h) => options.onLockWait?.(target.display, h))
    const history = await readAllJournal(db)
    const { metered } = await import('../backup/progress.js')
    // The journal is history, not state: the restored copy gets today's whole journal plus this restore before it is swapped in.
    await metered(`restoring into ${target.display}`, manifest.size, () =>
      driver.backup.restore(target, file, {
        loaded: (fresh) => replaceJournal(fresh, [...history, ...entry('ok', null)]),
        release,
        warn: (message) => options.onWarning?.(message),
      }),
    )
    return plan
  } catch (error) {
    const failure =
      error instanceof MigError
        ? error
        : new MigError(
            'RESTORE_FAILED',
            `restoring ${id} into ${target.display} failed: ${errorMessage(error)}`,
            'the target was not changed; fix the cause and run the restore again',
            { cause: error },
          )
    if (failure.code === 'RESTORE_NOT_APPLIED') await journalFailure(target, entry('failed', failure.message))
    throw failure
  } finally {
    await release()
  }
}

/** A failed restore leaves the target as it was, plus a journal row saying it was tried; best effort, as the failure may be the connection itself. */
async function journalFailure(target: Session['target'], entries: JournalEntry[]): Promise<void> {
  try {
    const db = await connect(target)
    try {
      await ensureJournal(db)
      for (const e of entries) await recordJournal(db, e)
    } finally {
      await db.close()
    }
  } catch {
    // the error being reported already says what went wrong
  }
}

/**
 * Backup files git tracks under `dir` (full data dumps committed by
 * mistake), relative to `root`. Empty when `root` is not a git work tree or
 * git is not installed: then there is nothing to warn about.
 */
export function trackedBackups(root: string, dir: string): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  if (r.error || r.status !== 0) return []
  return r.stdout.split('\0').filter((f) => f && !f.endsWith('.gitignore'))
}
