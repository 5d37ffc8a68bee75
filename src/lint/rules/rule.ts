import type { Dialect } from '../../db/types.js'
import type { Analyzed, LintMigration, OpKind, OpOf, Severity } from '../types.js'

export interface RuleContext {
  migration: LintMigration
  statements: readonly Analyzed[]
  /** Created (or rebuilt under a new name) by this very migration: nobody uses it yet, so locking it costs nothing. */
  isNew(table: string): boolean
  /** Index created by this migration. */
  isNewIndex(index: string): boolean
  /** Existing tables this migration drops and builds again (SQLite's table rebuild). */
  rebuilt: ReadonlySet<string>
}

export interface Hit {
  statement?: Analyzed
  message: string
  fix: string
}

/** One safety rule. The README's rules table is made from `code`, `catches`, `fixSummary` and `severity`. */
export interface Rule {
  /** Stable; squawk's name where squawk has the rule. */
  code: string
  severity: Severity
  dialects: readonly Dialect[]
  /** What it catches, for the rules table. */
  catches: string
  /** The safe way, for the rules table. */
  fixSummary: string
  check(ctx: RuleContext): Hit[]
}

export const allDialects: readonly Dialect[] = ['postgres', 'mysql', 'sqlite']

/** Table names compare as the databases mostly do: case-insensitively. */
export const key = (name: string): string => name.toLowerCase()

/** `fn` over every op of `kind`, each hit tied to its statement. */
export function eachOp<K extends OpKind>(
  ctx: RuleContext,
  kind: K,
  fn: (op: OpOf<K>, statement: Analyzed) => Omit<Hit, 'statement'> | undefined,
): Hit[] {
  const hits: Hit[] = []
  for (const statement of ctx.statements) {
    for (const op of statement.ops) {
      if (op.kind !== kind) continue
      const hit = fn(op as OpOf<K>, statement)
      if (hit) hits.push({ statement, ...hit })
    }
  }
  return hits
}
