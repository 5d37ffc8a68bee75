import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Advice worth giving once, not on every run (Prisma's "declare mig's tables
 * external"): which notices a repository has been shown, in
 * `<root>/.mig/notices.json` (`.mig/` is mig's own folder, never detected).
 * A file that cannot be read or written only means the notice shows again.
 */
export function noticeOnce(root: string, key: string, message: string, warn: (message: string) => void): void {
  const file = join(root, '.mig', 'notices.json')
  let shown: string[] = []
  try {
    shown = JSON.parse(readFileSync(file, 'utf8')) as string[]
    if (!Array.isArray(shown)) shown = []
  } catch {
    shown = []
  }
  if (shown.includes(key)) return
  warn(message)
  try {
    mkdirSync(join(root, '.mig'), { recursive: true })
    writeFileSync(file, `${JSON.stringify([...shown, key], null, 2)}\n`)
  } catch {
    // shown again next time
  }
}
