import { readdir } from 'node:fs/promises'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { MigError } from '../../output/errors.js'

/** `001_create_users.up.sql`, `20240101120000_add_phone.down.sql` */
export const fileName = /^(\d+)_([A-Za-z0-9][\w.-]*?)\.(up|down)\.sql$/

/** The naming rule, as said to someone whose file breaks it. */
export const namingRule =
  'migrations are named NNN_name.up.sql and NNN_name.down.sql (digits, "_", a name without spaces, lowercase .up/.down)'

/** A `.sql` file the rule does not take: most likely a migration misnamed, which would otherwise never run. */
const misnamed = (entry: string): boolean => /\.sql$/i.test(entry) && !fileName.test(entry)

/** The `.sql` files in `dir` that are not migrations by the naming rule, as absolute paths, sorted. */
export async function ignoredFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile() && misnamed(e.name))
    .map((e) => join(dir, e.name))
    .sort()
}

export interface SqlMigrationFile {
  id: string
  version: bigint
  name: string
  up: string
  down: string | undefined
}

/** The folder holding the files: the project dir, or its `migrations/` when that exists. */
export function migrationsDir(projectDir: string): string {
  const nested = join(projectDir, 'migrations')
  return existsSync(nested) && statSync(nested).isDirectory() ? nested : projectDir
}

/** Read and pair the migration files, in apply order (version, then name). */
export async function readMigrationFiles(project: string, dir: string): Promise<SqlMigrationFile[]> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    throw new MigError(
      'SQL_DIR_MISSING',
      `${project}: migrations folder ${dir} does not exist`,
      'create it, or fix the project\'s "dir" in mig.config.json',
    )
  }
  const byId = new Map<string, Partial<SqlMigrationFile> & { id: string; version: bigint; name: string }>()
  const versions = new Map<bigint, string>()
  for (const entry of entries.sort()) {
    const match = fileName.exec(entry)
    if (!match) continue
    const [, digits, name, direction] = match as unknown as [string, string, string, 'up' | 'down']
    const id = `${digits}_${name}`
    const version = BigInt(digits)
    const other = versions.get(version)
    if (other !== undefined && other !== id) {
      throw new MigError(
        'SQL_DUPLICATE_VERSION',
        `${project}: two migrations share version ${digits}: ${other} and ${id}`,
        'renumber one of them so every version is unique',
      )
    }
    versions.set(version, id)
    const item = byId.get(id) ?? { id, version, name }
    item[direction] = join(dir, entry)
    byId.set(id, item)
  }
  const files: SqlMigrationFile[] = []
  for (const item of byId.values()) {
    if (!item.up) {
      throw new MigError(
        'SQL_DOWN_WITHOUT_UP',
        `${project}: ${item.id}.down.sql has no ${item.id}.up.sql`,
        'add the up file or remove the stray down file',
      )
    }
    files.push({ id: item.id, version: item.version, name: item.name, up: item.up, down: item.down })
  }
  return files.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.name.localeCompare(b.name)))
}
