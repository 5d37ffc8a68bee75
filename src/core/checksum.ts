import { createHash } from 'node:crypto'
import { type BigIntStats, existsSync, readFileSync, statSync, statfsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { oclifDirs } from './adapter-index.js'
import { prune } from './kit/file-facts.js'
import { writeFileAtomic } from './write-atomic.js'

/** sha256 over a migration's files, CRLF→LF, so a checkout on Windows does not look like an edit.
 * Sync reads: migration files are small, and a thread-pool hop per file costs more than the read. */
export async function checksumFiles(files: readonly string[]): Promise<string> {
  return hashFiles(files)
}

function hashFiles(files: readonly string[]): string {
  const hash = createHash('sha256')
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    hash.update(text.replace(/\r\n/g, '\n'))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/** The checksums of one project's applied migrations, for the drift check of status, up and down. */
export interface Checksums {
  /** checksumFiles(files): remembered while every file is the one hashed, else read and hashed. */
  of(files: readonly string[]): string
  /** Keep what this run hashed for the next, when it hashed anything (best effort: the cache is an aid, never a source of truth). */
  save(): void
}

const FORMAT = 1
/** A file changed this recently is hashed every time: see identities(). */
const RACY_MS = 3000

interface Stored {
  format: number
  project: string
  /** By the migration's files (joined with NUL): [their identities, their checksum]. */
  sums: Record<string, [string, string]>
}

/**
 * Checksums remembered by each file's identity as the file system keeps it
 * (device, inode, size, modification and change times to the nanosecond),
 * as git's index remembers what it hashed: the drift check of a project
 * with 1000 applied migrations stats 1000 files instead of reading them
 * (about 10 ms against 30–50 ms here). On the local file systems it trusts
 * (trustedFileSystem), any write to a file changes its change time, which no
 * tool can set back, so an edited, replaced or restored file is read again.
 * The store is in mig's cache folder, one per project, written only when a
 * run hashed something new; unreadable, of another format or another
 * project, it is as if empty. Like file-facts' stores, one not written for
 * 30 days is pruned: the next run hashes again.
 */
export function checksumCache(projectDir: string): Checksums {
  // One per project and run: a fleet's targets share their project's files.
  let cache = caches.get(projectDir)
  if (!cache) caches.set(projectDir, (cache = checksumStore(projectDir)))
  return cache
}

const caches = new Map<string, Checksums>()

/** checksumCache's store, opened anew (the next run's view, in tests). */
export function checksumStore(projectDir: string, cacheDir = oclifDirs().cacheDir, racyMs = RACY_MS): Checksums {
  const dir = join(cacheDir, 'checksums')
  const store = join(dir, `${createHash('sha1').update(projectDir).digest('hex').slice(0, 16)}.json`)
  let known: Stored['sums'] = {}
  try {
    const stored = JSON.parse(readFileSync(store, 'utf8')) as Stored
    if (stored.format === FORMAT && stored.project === projectDir && stored.sums && typeof stored.sums === 'object') known = stored.sums
  } catch {
    known = {}
  }
  let learned = false
  return {
    of(files) {
      const key = files.join('\0')
      // Stat before reading: a write in between gives a new identity next time, so it is read again.
      const id = identities(files, racyMs)
      const hit = Object.hasOwn(known, key) ? known[key] : undefined
      if (id !== undefined && Array.isArray(hit) && hit[0] === id && typeof hit[1] === 'string') return hit[1]
      const sum = hashFiles(files)
      if (id !== undefined) {
        known[key] = [id, sum]
        learned = true
      }
      return sum
    },
    save() {
      if (!learned) return
      // Entries this run did not ask about stay (a fresh database validates none of them);
      // those whose files are gone (a migration deleted or renamed) go.
      known = Object.fromEntries(Object.entries(known).filter(([key]) => key.split('\0').every((f) => existsSync(f))))
      try {
        writeFileAtomic(store, JSON.stringify({ format: FORMAT, project: projectDir, sums: known } satisfies Stored))
        learned = false
        prune(dir)
      } catch {
        // Not written: the next run hashes again.
      }
    },
  }
}

/**
 * Linux file systems whose times come from the local kernel and whose
 * change time moves on every write (`statfs` magic numbers): ext2/3/4, XFS,
 * Btrfs, tmpfs, overlayfs (containers), ZFS, F2FS. Anywhere else the
 * identity is not trusted and files are hashed as before: NFS, SMB and FUSE
 * mounts (Docker Desktop and VM shares, sshfs, object stores) may answer
 * `stat` from a cache or by another machine's clock, and FAT/exFAT have no
 * real change time. Other systems (macOS, Windows) hash too: untested here.
 */
const localFileSystems = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0x2fc12fc1, 0xf2f52010])
const trustedDirs = new Map<string, boolean>()
export function trustedFileSystem(file: string): boolean {
  if (process.platform !== 'linux') return false
  const dir = dirname(file)
  let trusted = trustedDirs.get(dir)
  if (trusted === undefined) {
    try {
      trusted = localFileSystems.has(Number(statfsSync(dir).type))
    } catch {
      trusted = false
    }
    trustedDirs.set(dir, trusted)
  }
  return trusted
}

/** The files' identities, or undefined when one cannot be trusted (or read): then it is hashed. */
function identities(files: readonly string[], racyMs: number): string | undefined {
  const now = Date.now()
  const ids: string[] = []
  for (const file of files) {
    if (!trustedFileSystem(file)) return undefined
    let st: BigIntStats
    try {
      st = statSync(file, { bigint: true })
    } catch {
      return undefined
    }
    // Changed within the last seconds: a second write in the same clock tick as the
    // one before the read would leave the same times (git's "racily clean" files).
    if (now - Number(st.ctimeMs) < racyMs || now - Number(st.mtimeMs) < racyMs) return undefined
    ids.push(`${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`)
  }
  return ids.join('|')
}

/**
 * An applied migration has drifted: its files are gone (missing), its tool
 * sees them changed (Prisma's checksums), or they no longer match the
 * checksum journaled when it was applied. One rule for status and for the
 * gate that stops up and down.
 */
export function hasDrift(
  m: { state: string; drift?: boolean },
  recorded: string | null | undefined,
  checksum: string | undefined,
): boolean {
  return m.state === 'missing' || (m.state === 'applied' && (m.drift === true || (!!recorded && !!checksum && recorded !== checksum)))
}
