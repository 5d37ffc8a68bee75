import { randomBytes } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Write `text` to `file` (its folder made) through a temporary file beside
 * it and a rename: a reader at the same time (another mig run) sees the old
 * text or the new, never half. On failure the temporary file is removed, as
 * far as it can be, and the error thrown.
 */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(tmp, text)
    renameSync(tmp, file)
  } catch (error) {
    try {
      rmSync(tmp, { force: true })
    } catch {
      // Never written, or not removable either: the first error is the one to report.
    }
    throw error
  }
}
