import { extname } from 'node:path'
import { renderTemplate } from '../templates.js'
import { writeNew } from './files.js'

/**
 * One file of a new migration: where it goes, and its template file
 * (`create-table.esm.txt`; default `<name><the path's extension>.txt`, e.g.
 * `blank.ts.txt` for `…-Name.ts`) or its text; `sql`, the plain-SQL file it
 * stands for where the plugin has no template of its own (TemplateRequest.sql).
 */
export type NewMigrationFile = { path: string; template?: string; sql?: 'up' | 'down' } | { path: string; text: string }

/** A new migration's files, from templates (`mig make --template`) or given texts (Prisma's `--from-schema`). */
export interface NewMigration {
  /** The plugin's own templates folder. */
  builtIn: string
  /** The template's name (`blank`, `create-table`), for the error when there is none. */
  name: string
  /** `{{key}}` → vars[key]. */
  vars: Record<string, unknown>
  files: readonly NewMigrationFile[]
}

/**
 * Write a new migration's files: each template is the project's own copy
 * (`.mig/templates/<tool>/<file>`) if there is one, else the plugin's, with
 * `{{key}}` filled from `vars`. Every file is rendered before any is
 * written, so an unknown template or a missing variable writes nothing; an
 * existing file is never overwritten (MIGRATION_EXISTS). Returns the paths.
 */
export async function writeNewMigration(project: { tool: string; dir: string }, migration: NewMigration): Promise<string[]> {
  const texts = migration.files.map((f) =>
    'text' in f
      ? f.text
      : renderTemplate({
          tool: project.tool,
          projectDir: project.dir,
          builtIn: migration.builtIn,
          name: migration.name,
          file: f.template ?? `${migration.name}${extname(f.path)}.txt`,
          vars: migration.vars,
          ...(f.sql ? { sql: f.sql } : {}),
        }),
  )
  for (const [i, f] of migration.files.entries()) await writeNew(f.path, texts[i]!)
  return migration.files.map((f) => f.path)
}
