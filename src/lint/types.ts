import type { Dialect } from '../db/types.js'

export type Severity = 'error' | 'warning'

/**
 * One migration as lint sees it: the SQL it runs and what is known of how it
 * runs. Plain-SQL projects give their `.up.sql` file; the other tools give
 * what `mig plan` captured through the adapter's `RunOptions.capture`.
 */
export interface LintMigration {
  project: string
  tool: string
  id: string
  /** The migration's own file (for `file:line` in reports and for `mig:ignore` comments). */
  file?: string
  dialect: Dialect
  /** Runs inside one transaction (Session.transactional). */
  transactional: boolean
  /** Has a down. */
  reversible: boolean
  /** In the order they run; `line` (1-based, in `file`) when known. */
  statements: { sql: string; line?: number }[]
  /** The file's text, read for `mig:ignore` comments. */
  source?: string
}

export interface Finding {
  /** Stable rule code, squawk's name where squawk has the rule. */
  code: string
  severity: Severity
  project: string
  /** The migration id. */
  migration: string
  file?: string
  line?: number
  /** The statement that triggered it; absent for findings about the whole migration. */
  statement?: string
  /** What happens in production. */
  message: string
  /** How to do it safely, in the tool's terms. */
  fix: string
  /** false: the statement did not parse and the finding comes from the token check. */
  parsed: boolean
}

/** A statement the parser refused: checked by tokens only, and listed so the report says so. */
export interface Unparsed {
  project: string
  migration: string
  file?: string
  line?: number
  statement: string
  error: string
}

export interface LintResult {
  findings: Finding[]
  unparsed: Unparsed[]
}

/** What a statement does, the same for every dialect and parser: rules look only at these. */
export type Op =
  | { kind: 'create-table'; table: string }
  | { kind: 'create-index'; table: string; index?: string; concurrently: boolean; unique: boolean }
  | { kind: 'drop-index'; indexes: string[]; concurrently: boolean }
  | {
      kind: 'add-column'
      table: string
      column: string
      notNull: boolean
      hasDefault: boolean
      volatileDefault?: string
      references?: boolean
    }
  | { kind: 'set-not-null'; table: string; column: string }
  | { kind: 'change-type'; table: string; column: string }
  | {
      kind: 'add-constraint'
      table: string
      constraint: 'foreign-key' | 'check' | 'unique' | 'primary-key' | 'other'
      notValid: boolean
      usingIndex: boolean
    }
  | { kind: 'drop-table'; tables: string[] }
  | { kind: 'drop-column'; table: string; column: string }
  | { kind: 'rename-table'; from: string; to: string }
  | { kind: 'rename-column'; table: string; from: string; to: string }
  | { kind: 'update'; table: string; where: boolean }
  | { kind: 'delete'; table: string; where: boolean }
  | { kind: 'insert-select'; table: string; from: string[] }

export type OpKind = Op['kind']
export type OpOf<K extends OpKind> = Extract<Op, { kind: K }>

/** A statement after parsing (or the token check, when `parsed` is false). */
export interface Analyzed {
  sql: string
  line?: number
  parsed: boolean
  /** The parser's complaint when it refused the statement. */
  error?: string
  /** DDL: changes the schema (for MySQL's implicit commits). */
  ddl: boolean
  ops: Op[]
}
