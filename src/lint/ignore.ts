import type { Analyzed } from './types.js'

/**
 * `mig:ignore CODE[,CODE]` comments.
 *
 * In a `.sql` file, `-- mig:ignore CODE` silences CODE for the statement that
 * follows it. In the file's header (before the first statement, with a blank
 * line between it and that statement) it silences CODE for the whole file,
 * including findings about the migration itself such as missing-down; so does
 * any directive when the statements' lines are unknown (SQL captured by
 * `mig plan`). In a JS/TS migration, `// mig:ignore CODE` anywhere silences
 * CODE for the whole migration.
 */
export interface Ignores {
  /** Silenced for the whole migration. */
  all: Set<string>
  /** Silenced per statement (index into the statements). */
  statement: Map<number, Set<string>>
}

const directive = /^\s*(--|\/\/|\/\*|\*)\s*mig:ignore\s+([\w-]+(?:\s*,\s*[\w-]+)*)/

export function readIgnores(source: string | undefined, file: string | undefined, statements: readonly Analyzed[]): Ignores {
  const ignores: Ignores = { all: new Set(), statement: new Map() }
  if (!source) return ignores
  const sqlFile = file === undefined || file.endsWith('.sql')
  const lines = source.split(/\r?\n/)
  lines.forEach((text, i) => {
    const match = directive.exec(text)
    if (!match || (sqlFile ? match[1] !== '--' : match[1] === '--')) return
    const codes = match[2]!.split(/\s*,\s*/)
    const line = i + 1
    const next = sqlFile ? statements.findIndex((s) => s.line !== undefined && s.line > line) : -1
    const header = next === 0 && lines.slice(line, statements[0]!.line! - 1).some((l) => l.trim() === '')
    if (next < 0 || header || statements.some((s) => s.line === undefined)) codes.forEach((c) => ignores.all.add(c))
    else {
      const set = ignores.statement.get(next) ?? new Set()
      codes.forEach((c) => set.add(c))
      ignores.statement.set(next, set)
    }
  })
  return ignores
}
