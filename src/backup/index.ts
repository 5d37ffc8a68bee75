import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Session } from '../adapter.js'
import type { Project } from '../config/projects.js'
import type { DatabaseTarget, Db, Dialect } from '../db/types.js'
import { MigError } from '../output/errors.js'
import { mysqlBackup } from './mysql.js'
import { postgresBackup } from './postgres.js'
import { hashFile, sqliteBackup } from './sqlite.js'
import type { BackupDriver } from './types.js'

export const backupDrivers: Record<Dialect, BackupDriver> = { postgres: postgresBackup, mysql: mysqlBackup, sqlite: sqliteBackup }

/** Beside each dump, what it holds: enough to show and check a restore without opening the dump. */
export interface Manifest {
  id: string
  projects: string[]
  tools: string[]
  dialect: Dialect
  /** Redacted URL. */
  database: string
  /** Identity of the database (no secrets), to match a restore target. */
  databaseKey: string
  createdAt: string
  file: string
  size: number
  sha256: string
  /** Applied migration ids of every project on that database, at that moment. */
  migrations: Record<string, string[]>
  dumpTool: string
  serverVersion: string
}

export interface BackupGroup {
  target: DatabaseTarget
  projects: Project[]
  sessions: Session[]
}

export const backupRoot = (configDir: string, dir: string | undefined): string => resolve(configDir, dir ?? '.mig/backups')

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\.(\d+)Z$/, '-$1')

async function serverVersion(db: Db): Promise<string> {
  switch (db.dialect) {
    case 'postgres':
      return `PostgreSQL ${String((await db.query<{ v: string }>("SELECT current_setting('server_version') AS v"))[0]?.v)}`
    case 'mysql':
      return String((await db.query<{ v: string }>('SELECT VERSION() AS v'))[0]?.v)
    case 'sqlite':
      return `SQLite ${String((await db.query<{ v: string }>('SELECT sqlite_version() AS v'))[0]?.v)}`
  }
}

/**
 * Dump one database to `<root>/<first project>/<id>.<ext>`: streamed into a
 * `.partial` file (0600, in a 0700 folder) and renamed only when complete,
 * then the manifest, also written whole and renamed. An interrupted backup
 * leaves nothing that looks complete. The caller holds the database's lock.
 */
export async function backupDatabase(group: BackupGroup, db: Db, root: string): Promise<Manifest> {
  const driver = backupDrivers[group.target.dialect]
  const name = group.projects[0]!.name
  const dir = join(root, name)
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(root, 0o700).catch(() => {})
    await chmod(dir, 0o700)
  } catch (error) {
    throw new MigError('BACKUP_DIR', `cannot write backups to ${dir}: ${(error as Error).message}`, 'check backup.dir in mig.config.json and the folder\'s permissions', { cause: error })
  }
  const createdAt = new Date()
  const id = `${stamp(createdAt)}-${name}`
  const file = `${id}.${driver.extension}`
  const partial = join(dir, `${file}.partial`)
  const migrations: Record<string, string[]> = {}
  for (const [i, session] of group.sessions.entries()) {
    migrations[group.projects[i]!.name] = (await session.list()).filter((m) => m.state === 'applied' || m.state === 'missing').map((m) => m.id)
  }
  // The versions are read while the dump runs: they cost a process start each.
  const versions = Promise.all([driver.tool(), serverVersion(db)])
  let result: { sha256: string; size: number }
  try {
    result = await driver.dump(group.target, partial)
  } catch (error) {
    await versions.catch(() => {})
    await rm(partial, { force: true })
    throw error
  }
  const [dumpTool, version] = await versions
  await rename(partial, join(dir, file))
  const manifest: Manifest = {
    id,
    projects: group.projects.map((p) => p.name),
    tools: [...new Set(group.projects.map((p) => p.tool))],
    dialect: group.target.dialect,
    database: group.target.display,
    databaseKey: group.target.key,
    createdAt: createdAt.toISOString(),
    file,
    size: result.size,
    sha256: result.sha256,
    migrations,
    dumpTool,
    serverVersion: version,
  }
  const manifestFile = join(dir, `${id}.json`)
  await writeFile(`${manifestFile}.partial`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
  await rename(`${manifestFile}.partial`, manifestFile)
  return manifest
}

/** Every complete backup under `root` (those with a manifest), oldest first. */
export async function listBackups(root: string): Promise<(Manifest & { dir: string })[]> {
  if (!existsSync(root)) return []
  const out: (Manifest & { dir: string })[] = []
  for (const folder of await readdir(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue
    const dir = join(root, folder.name)
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.json')) continue
      try {
        out.push({ ...(JSON.parse(await readFile(join(dir, file), 'utf8')) as Manifest), dir })
      } catch {
        // not a manifest of ours
      }
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
}

export async function findBackup(root: string, id: string): Promise<Manifest & { dir: string }> {
  const all = await listBackups(root)
  const found = all.find((m) => m.id === id)
  if (!found) {
    const recent = all.slice(-3).map((m) => m.id)
    throw new MigError('BACKUP_UNKNOWN', `no backup "${id}" in ${root}`, recent.length ? `\`mig backups\` lists them; the newest: ${recent.join(', ')}` : 'take one with `mig backup`')
  }
  return found
}

/** The dump matches its manifest's sha256 and size, or restore refuses before touching anything. */
export async function verifyBackup(manifest: Manifest & { dir: string }): Promise<string> {
  const file = join(manifest.dir, manifest.file)
  if (!existsSync(file)) throw new MigError('BACKUP_FILE_MISSING', `backup ${manifest.id}: ${file} is missing`, 'the manifest has no dump beside it; pick another backup (`mig backups`)')
  const { sha256, size } = await hashFile(file)
  if (sha256 !== manifest.sha256 || size !== manifest.size) {
    throw new MigError('BACKUP_CORRUPT', `backup ${manifest.id} is damaged: its sha256 does not match the manifest`, 'nothing was restored; pick another backup (`mig backups`)')
  }
  return file
}

/** Keep the newest `keep` backups of the database just backed up; delete older ones. */
export async function applyRetention(root: string, databaseKey: string, keep: number | undefined): Promise<string[]> {
  if (!keep) return []
  const mine = (await listBackups(root)).filter((m) => m.databaseKey === databaseKey)
  const old = mine.slice(0, Math.max(0, mine.length - keep))
  for (const m of old) {
    await rm(join(m.dir, m.file), { force: true })
    await rm(join(m.dir, `${m.id}.json`), { force: true })
  }
  return old.map((m) => m.id)
}
