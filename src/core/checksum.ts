import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'

/** sha256 over a migration's files, CRLF→LF, so a checkout on Windows does not look like an edit. */
export async function checksumFiles(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const file of files) {
    const text = await readFile(file, 'utf8')
    hash.update(text.replace(/\r\n/g, '\n'))
    hash.update('\0')
  }
  return hash.digest('hex')
}
