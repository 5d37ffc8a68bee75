import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import type { ProjectRef } from '../../adapter.js'
import { oclifDirs } from '../adapter-index.js'
import { writeFileAtomic } from '../write-atomic.js'

/**
 * What a plugin learned by loading a file (the migration classes a TypeORM
 * file exports and their names), remembered by the file's path and bytes in
 * mig's cache folder, so that a later run which needs only that reads the
 * file instead of running it. A file edited, moved or renamed is a new
 * key: nothing is trusted past a change of its bytes. The cache is an aid,
 * never a source of truth: unreadable, written by another version or not
 * writable, it is as if empty.
 */
export interface FileFacts<T> {
  /** The facts about `file` as it is now (its bytes read), if a run recorded them. */
  get(file: string): T | undefined
  /**
   * Record `facts` about `file`, learned by loading it after `get()` found
   * none: kept only if its bytes are still those `get()` read, so a file
   * edited while it loaded is not remembered under either version.
   */
  set(file: string, facts: T): void
  /**
   * Write what this run used and learned, when that differs from what was
   * read (keys no longer used are dropped): after the run listed its files.
   */
  save(): void
}

const FORMAT = 1

interface Stored<T> {
  format: number
  facts: Record<string, T>
}

/** `namespace` names the plugin and the shape of its facts (bump it when the shape changes); one cache file a project. */
export function fileFacts<T>(project: Pick<ProjectRef, 'dir'>, namespace: string, cacheDir = oclifDirs().cacheDir): FileFacts<T> {
  const dir = join(cacheDir, 'file-facts')
  const id = createHash('sha1').update(`${namespace}\0${project.dir}`).digest('hex').slice(0, 16)
  const store = join(dir, `${namespace.replace(/[^\w.-]/g, '_')}-${id}.json`)
  let known: Record<string, T> = {}
  let storedAt = 0
  try {
    const stored = JSON.parse(readFileSync(store, 'utf8')) as Stored<T>
    if (stored.format === FORMAT && stored.facts && typeof stored.facts === 'object') known = stored.facts
    storedAt = statSync(store).mtimeMs
  } catch {
    known = {}
  }
  const used = new Map<string, T>()
  const asked = new Map<string, string>()
  let learned = false
  // A file that cannot be read has no key: no facts, and the plugin's own load says what is wrong with it.
  const key = (file: string): string | undefined => {
    try {
      return createHash('sha256').update(file).update('\0').update(readFileSync(file)).digest('base64url')
    } catch {
      return undefined
    }
  }
  return {
    get(file) {
      const k = key(file)
      if (k === undefined) return undefined
      asked.set(file, k)
      const facts = Object.hasOwn(known, k) ? known[k] : undefined
      if (facts !== undefined) used.set(k, facts)
      return facts
    },
    set(file, facts) {
      const k = key(file)
      if (k === undefined || asked.get(file) !== k) return
      used.set(k, facts)
      learned = true
    },
    save() {
      if (!learned && used.size === Object.keys(known).length) {
        // Unchanged, but used: its time says so (once a day), so pruning (by time) keeps it.
        if (used.size && Date.now() - storedAt > DAY_MS)
          try {
            utimesSync(store, new Date(), new Date())
            storedAt = Date.now()
          } catch {
            // Not ours to insist on.
          }
        return
      }
      try {
        writeFileAtomic(store, JSON.stringify({ format: FORMAT, facts: Object.fromEntries(used) } satisfies Stored<T>))
        known = Object.fromEntries(used)
        learned = false
        storedAt = Date.now()
        prune(dir)
      } catch {
        // Not written: the cache is an aid, and the next run learns again.
      }
    },
  }
}

const DAY_MS = 24 * 3600 * 1000
/** A project's facts unused this long (its folder gone, a scratch copy) are dropped: the folder does not grow without end. */
const KEEP_MS = 30 * DAY_MS

/** Drop the stores in `dir` unused for 30 days, and temporary files a killed run left a day ago. */
export function prune(dir: string): void {
  const now = Date.now()
  for (const name of readdirSync(dir)) {
    try {
      const file = join(dir, name)
      // A left-over temporary file (a run killed while writing) goes after a day.
      if (now - statSync(file).mtimeMs > (name.endsWith('.tmp') ? DAY_MS : KEEP_MS)) rmSync(file, { force: true })
    } catch {
      // Gone already, or another run's: not ours to insist on.
    }
  }
}
