import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { MigrationOnDisk } from './ledger.js'

/** How a tool that keeps one folder per migration lays the folder out: Prisma's `<timestamp>_<name>/migration.sql`, and `down.sql` beside it. */
export interface FolderLayout {
  /** The file that makes a folder a migration: `migration.sql`. */
  up: string
  /** The down beside it, when there is one: `down.sql`. A folder without it is not reversible. */
  down: string
  /** How to make a migration without a down reversible. */
  irreversibleHint?(id: string): string
}

/**
 * The migrations in `dir` of a tool that keeps one folder each, named
 * after the folder, in the order the tool applies them: by name. None
 * while `dir` does not exist.
 */
export function migrationFolders(dir: string, layout: FolderLayout): MigrationOnDisk[] {
  if (!existsSync(dir)) return []
  // The entries' types come with the listing: no stat per folder. A symbolic link is followed, as stat did.
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name)))) && existsSync(join(dir, e.name, layout.up)))
    .map((e) => e.name)
    .sort()
    .map((id) => {
      const down = join(dir, id, layout.down)
      const reversible = existsSync(down)
      const hint = !reversible && layout.irreversibleHint ? { irreversibleHint: layout.irreversibleHint(id) } : {}
      return { id, files: [join(dir, id, layout.up), ...(reversible ? [down] : [])], reversible, ...hint }
    })
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
