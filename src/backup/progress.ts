import { stat } from 'node:fs/promises'
import { clock, showsProgress, startProgress } from '../output/progress.js'
import { bytes } from '../output/table.js'
import { fedBytes } from './tools.js'

/**
 * Bytes and rate of a dump or a restore on the progress line
 * (src/output/progress.ts). A dump is measured by the size of the file it
 * writes, whatever writes it (pg_dump, mariadb-dump, SQLite's backup API);
 * a restore by the bytes of the dump fed to the loading tool, counted in
 * runTool (`fedBytes`), so no driver has to know about progress. Loaded
 * only when a backup or a restore runs.
 */

/**
 * `12.0 MiB, 4.1 MiB/s (3.0s)`, with `of 40.0 MiB (30%)` when the whole is
 * known; once all of it is read, the tool is still at work (indexes, constraints).
 */
export function amount(done: number, total: number | undefined, elapsedMs: number): string {
  const time = clock(elapsedMs)
  if (total && done >= total) return `all ${bytes(total)} read, finishing (${time})`
  const whole = total ? ` of ${bytes(total)} (${Math.min(100, Math.floor((done / total) * 100))}%)` : ''
  const rate = done && elapsedMs > 0 ? `, ${bytes(Math.round((done / elapsedMs) * 1000))}/s` : ''
  return `${bytes(done)}${whole}${rate} (${time})`
}

/** Run a dump into `file`, showing `what` and the file's size as it grows. */
export async function watchingFile<T>(file: string, what: string, dump: () => Promise<T>): Promise<T> {
  if (!showsProgress()) return dump()
  const since = Date.now()
  let size = 0
  const line = startProgress(() => `${what}: ${amount(size, undefined, Date.now() - since)}`)
  const poll = setInterval(() => {
    stat(file).then(
      (s) => {
        size = s.size
        line.update()
      },
      // Not there yet: the tool has not opened it.
      () => {},
    )
  }, 250)
  poll.unref()
  try {
    return await dump()
  } finally {
    clearInterval(poll)
    line.end()
  }
}

/** Run a restore of a `total`-byte dump, showing `what` and the bytes fed to the loading tool. */
export async function metered<T>(what: string, total: number, restore: () => Promise<T>): Promise<T> {
  if (!showsProgress()) return restore()
  const since = Date.now()
  let done = 0
  const line = startProgress(() => `${what}: ${amount(done, total, Date.now() - since)}`)
  try {
    return await fedBytes.run((n) => {
      done += n
    }, restore)
  } finally {
    line.end()
  }
}
