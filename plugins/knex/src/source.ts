import { readdir } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import type { KnexConfig } from './knexfile.js'

/** knex's DEFAULT_LOAD_EXTENSIONS. */
export const defaultLoadExtensions = ['.co', '.coffee', '.eg', '.iced', '.js', '.cjs', '.litcoffee', '.ls', '.ts']

export interface MigrationFile {
  /** The name knex records: the file name, extension included. */
  name: string
  path: string
}

export const directoriesOf = (config: KnexConfig, base: string): string[] =>
  [config.migrations?.directory ?? './migrations'].flat().map((d) => resolve(base, d))

/**
 * The migration files as knex's FsMigrations lists them: every configured
 * directory, filtered by loadExtensions, sorted by file name across
 * directories unless sortDirsSeparately.
 */
export async function listMigrationFiles(config: KnexConfig, base: string): Promise<MigrationFile[]> {
  const extensions = config.migrations?.loadExtensions ?? defaultLoadExtensions
  const separately = config.migrations?.sortDirsSeparately ?? false
  const all: MigrationFile[] = []
  for (const dir of directoriesOf(config, base)) {
    let files: string[]
    try {
      files = await readdir(dir)
    } catch {
      continue
    }
    if (separately) files.sort()
    for (const file of files) if (extensions.includes(extname(file))) all.push({ name: file, path: resolve(dir, file) })
  }
  return separately ? all : all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
