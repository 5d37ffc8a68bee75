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
