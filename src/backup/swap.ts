import { randomBytes } from 'node:crypto'
import type { RestoreSteps } from '../db/driver.js'
import type { DatabaseTarget, Db } from '../db/types.js'
import { parseDatabaseUrl } from '../db/url.js'
import { MigError, errorMessage } from '../output/errors.js'

/**
 * `<name>_mig_restore_<random>` (or `_mig_old_`) on the same server. The
 * name part is cut so the whole fits PostgreSQL's 63-byte identifiers
 * (MariaDB allows 64).
 */
export const besideName = (database: string, kind: 'restore' | 'old'): string => {
  const suffix = `_mig_${kind}_${randomBytes(4).toString('hex')}`
  return `${Buffer.from(database)
    .subarray(0, 63 - suffix.length)
    .toString()
    .replace(/\uFFFD+$/, '')}${suffix}`
}

/** The same server and credentials, another database. */
export function onDatabase(target: DatabaseTarget, database: string): DatabaseTarget {
  const url = new URL(target.url)
  url.pathname = `/${encodeURIComponent(database)}`
  return parseDatabaseUrl(url.toString(), '/')
}

/**
 * The moment between load and swap, the same on every dialect: core writes
 * the journal into the loaded copy (on its own connection, closed again),
 * then lets go of the target so the swap can take it.
 */
export async function handOver(open: () => Promise<Db>, steps: RestoreSteps): Promise<void> {
  const loaded = await open()
  try {
    await steps.loaded(loaded)
  } finally {
    await loaded.close()
  }
  await steps.release()
}

/** The error of every restore that failed before its swap: the message says the target is as it was. */
export const notChanged = (target: DatabaseTarget, error: unknown): MigError =>
  new MigError(
    'RESTORE_NOT_APPLIED',
    `restore into ${target.display} failed before the swap, the target was not changed: ${errorMessage(error).split('\n')[0]}`,
    'fix the cause (connection, disk space, the dump) and run the restore again',
    { cause: error },
  )
