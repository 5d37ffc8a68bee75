import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** sha256 over a migration's files, CRLF→LF, so a checkout on Windows does not look like an edit.
 * Sync reads: migration files are small, and a thread-pool hop per file costs more than the read. */
export async function checksumFiles(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    hash.update(text.replace(/\r\n/g, '\n'))
    hash.update('\0')
  }
  return hash.digest('hex')
}
