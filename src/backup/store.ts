import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { Session } from '../adapter.js'
import type { Project } from '../config/projects.js'
import { driverOf } from '../db/drivers.js'
import type { DatabaseTarget, Db, Dialect } from '../db/types.js'
import { MigError, errorMessage } from '../output/errors.js'
import { hashFile } from './tools.js'

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

const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace(/\.(\d+)Z$/, '-$1')

/**
 * Dump one database to `<root>/<first project>/<id>.<ext>`: streamed into a
 * `.partial` file (0600, in a 0700 folder) and renamed only when complete,
 * then the manifest, also written whole and renamed. An interrupted backup
 * leaves nothing that looks complete. The caller holds the database's lock.
 */
export async function backupDatabase(group: BackupGroup, db: Db, root: string): Promise<Manifest> {
  const dialect = driverOf(db)
  const driver = dialect.backup
  const first = group.projects[0]!
  const name = first.name
  const dir = join(root, name)
  try {
    const created = await mkdir(root, { recursive: true, mode: 0o700 })
    // Full data dumps must not end up in the repository by a careless `git add .`.
    if (created) await writeFile(join(root, '.gitignore'), '*\n')
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(root, 0o700).catch(() => {})
    await chmod(dir, 0o700)
  } catch (error) {
    throw (
      (await diskFull(root, error)) ??
      new MigError(
        'BACKUP_DIR',
        `cannot write backups to ${dir}: ${errorMessage(error)}`,
        "check backup.dir in mig.config.json and the folder's permissions",
        { cause: error },
      )
    )
  }
  const createdAt = new Date()
  // A fleet's targets back up side by side, in one second: each id names its target.
  const id = `${stamp(createdAt)}-${first.target ? `${name}.${first.target}` : name}`
  const file = `${id}.${driver.extension}`
  const partial = join(dir, `${file}.partial`)
  const manifestFile = join(dir, `${id}.json`)
  const migrations: Record<string, string[]> = {}
  for (const [i, session] of group.sessions.entries()) {
    migrations[group.projects[i]!.name] = (await session.list())
      .filter((m) => m.state === 'applied' || m.state === 'missing')
      .map((m) => m.id)
  }
  // The versions are read while the dump runs: they cost a process start each.
  const versions = Promise.all([driver.tool(), dialect.serverVersion(db)])
  versions.catch(() => {})
  try {
    const { watchingFile } = await import('./progress.js')
    const result = await watchingFile(partial, `backing up ${group.target.display}`, () => driver.dump(group.target, partial))
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
    await writeFile(`${manifestFile}.partial`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
    await rename(`${manifestFile}.partial`, manifestFile)
    return manifest
  } catch (error) {
    // Nothing of a failed backup stays: a dump without its manifest is not a backup.
    await Promise.all([partial, `${partial}-journal`, join(dir, file), `${manifestFile}.partial`].map((f) => rm(f, { force: true })))
    throw (await diskFull(dir, error)) ?? error
  }
}

const fullCodes = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL'])

/** A full disk, wherever it surfaced (the file stream, a rename, SQLite), as one line naming the folder and its free space. */
async function diskFull(dir: string, error: unknown): Promise<MigError | undefined> {
  const code = (error as { code?: string }).code
  if (!code || !fullCodes.has(code)) return undefined
  const fs = await statfs(existsSync(dir) ? dir : dirname(dir)).catch(() => undefined)
  const free = fs ? `${((fs.bavail * fs.bsize) / 1024).toFixed(0)} KiB free` : 'free space unknown'
  return new MigError(
    'BACKUP_DISK_FULL',
    `no space left for the backup in ${dir} (${free}); nothing was kept of this backup`,
    'free some space, lower backup.keep, or point backup.dir at a larger disk',
    { cause: error },
  )
}

export type ListedBackup = Manifest & { dir: string; manifestFile: string }

/** A manifest that names a path outside its folder: listed apart, never restored, never deleted. */
export interface RejectedManifest {
  id: string | undefined
  manifestFile: string
  error: MigError
}

/**
 * A name read from a manifest, as a path: only a plain file name inside the
 * manifest's own folder is taken. A manifest is data anyone could have
 * edited; `../` in it must not reach rm or the restore tools.
 */
export function pathInside(dir: string, name: unknown, what: string, manifestFile: string): string {
  const path = typeof name === 'string' && name !== '' ? resolve(dir, name) : ''
  if (
    typeof name !== 'string' ||
    name !== basename(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    dirname(path) !== resolve(dir) ||
    name === '..' ||
    name === '.'
  ) {
    throw new MigError(
      'BACKUP_MANIFEST_PATH',
      `${manifestFile}: its ${what} ${JSON.stringify(name)} is not a file name inside ${dir}; refusing to use it`,
      'a manifest names only files in its own folder: remove or fix this manifest',
    )
  }
  return path
}

/** Every complete backup under `root` (those with a manifest), oldest first, and the manifests refused for their paths. */
export async function scanBackups(root: string): Promise<{ backups: ListedBackup[]; rejected: RejectedManifest[] }> {
  const backups: ListedBackup[] = []
  const rejected: RejectedManifest[] = []
  if (!existsSync(root)) return { backups, rejected }
  for (const folder of await readdir(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue
    const dir = join(root, folder.name)
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.json')) continue
      const manifestFile = join(dir, file)
      let manifest: Manifest
      try {
        manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest
      } catch {
        continue // not a manifest of ours
      }
      try {
        pathInside(dir, manifest.file, 'file', manifestFile)
        pathInside(dir, `${manifest.id}.json`, 'id', manifestFile)
        backups.push({ ...manifest, dir, manifestFile })
      } catch (error) {
        rejected.push({ id: typeof manifest.id === 'string' ? manifest.id : undefined, manifestFile, error: error as MigError })
      }
    }
  }
  backups.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
  return { backups, rejected }
}

/** Every complete backup under `root` whose manifest is sound, oldest first. */
export async function listBackups(root: string): Promise<ListedBackup[]> {
  return (await scanBackups(root)).backups
}

export async function findBackup(root: string, id: string): Promise<ListedBackup> {
  const { backups: all, rejected } = await scanBackups(root)
  const found = all.find((m) => m.id === id)
  if (!found) {
    const hostile = rejected.find((r) => r.id === id)
    if (hostile) throw hostile.error
    const recent = all.slice(-3).map((m) => m.id)
    throw new MigError(
      'BACKUP_UNKNOWN',
      `no backup "${id}" in ${root}`,
      recent.length ? `\`mig backups\` lists them; the newest: ${recent.join(', ')}` : 'take one with `mig backup`',
    )
  }
  return found
}

/** The dump matches its manifest's sha256 and size, or restore refuses before touching anything. */
export async function verifyBackup(manifest: ListedBackup): Promise<string> {
  const file = pathInside(manifest.dir, manifest.file, 'file', manifest.manifestFile)
  if (!existsSync(file))
    throw new MigError(
      'BACKUP_FILE_MISSING',
      `backup ${manifest.id}: ${file} is missing`,
      'the manifest has no dump beside it; pick another backup (`mig backups`)',
    )
  const { sha256, size } = await hashFile(file)
  if (sha256 !== manifest.sha256 || size !== manifest.size) {
    throw new MigError(
      'BACKUP_CORRUPT',
      `backup ${manifest.id} is damaged: its sha256 does not match the manifest`,
      'nothing was restored; pick another backup (`mig backups`)',
    )
  }
  return file
}

/**
 * Keep the newest `keep` backups of the database just backed up; delete
 * older ones. A manifest refused for its paths is reported, never deleted,
 * and does not stop the others.
 */
export async function applyRetention(
  root: string,
  databaseKey: string,
  keep: number | undefined,
  warn: (message: string) => void = () => {},
): Promise<string[]> {
  if (!keep) return []
  const { backups, rejected } = await scanBackups(root)
  for (const r of rejected) warn(`backup.keep skipped ${r.error.message}`)
  const mine = backups.filter((m) => m.databaseKey === databaseKey)
  const old = mine.slice(0, Math.max(0, mine.length - keep))
  for (const m of old) {
    await rm(pathInside(m.dir, m.file, 'file', m.manifestFile), { force: true })
    await rm(m.manifestFile, { force: true })
  }
  return old.map((m) => m.id)
}
