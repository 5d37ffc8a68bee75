import type { LintConfig } from './config.js'
import { readIgnores } from './ignore.js'
import { analyze } from './parse/index.js'
import { rules } from './rules/index.js'
import { type Rule, type RuleContext, key } from './rules/rule.js'
import type { Analyzed, Finding, LintMigration, LintResult, Unparsed } from './types.js'

/** Lint migrations: every rule of their dialect, severities from config, `mig:ignore` comments honoured. */
export async function lint(migrations: readonly LintMigration[], config: LintConfig = {}): Promise<LintResult> {
  const result: LintResult = { findings: [], unparsed: [] }
  for (const migration of migrations) {
    const one = await lintMigration(migration, config)
    result.findings.push(...one.findings)
    result.unparsed.push(...one.unparsed)
  }
  return result
}

export async function lintMigration(migration: LintMigration, config: LintConfig = {}): Promise<LintResult> {
  const statements = await analyze(migration)
  const ctx = context(migration, statements)
  const ignores = readIgnores(migration.source, migration.file, statements)
  const where = { project: migration.project, migration: migration.id, ...(migration.file ? { file: migration.file } : {}) }
  const findings: Finding[] = []
  for (const rule of rules) {
    const severity = config.rules?.[rule.code] ?? rule.severity
    if (severity === 'off' || !rule.dialects.includes(migration.dialect) || ignores.all.has(rule.code)) continue
    for (const hit of rule.check(ctx)) {
      const index = hit.statement ? statements.indexOf(hit.statement) : -1
      if (ignores.statement.get(index)?.has(rule.code)) continue
      findings.push(finding(rule, severity, where, hit.statement, hit.message, hit.fix))
    }
  }
  const unparsed: Unparsed[] = statements
    .filter((s) => !s.parsed)
    .map((s) => ({
      ...where,
      ...(s.line !== undefined ? { line: s.line } : {}),
      statement: s.sql.trim(),
      error: s.error ?? 'did not parse',
    }))
  // In file order; findings about the whole migration first.
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  return { findings, unparsed }
}

function finding(
  rule: Rule,
  severity: Finding['severity'],
  where: Pick<Finding, 'project' | 'migration' | 'file'>,
  statement: Analyzed | undefined,
  message: string,
  fix: string,
): Finding {
  return {
    code: rule.code,
    severity,
    ...where,
    ...(statement?.line !== undefined ? { line: statement.line } : {}),
    ...(statement ? { statement: statement.sql.trim() } : {}),
    message,
    fix,
    parsed: statement?.parsed ?? true,
  }
}

/**
 * What the rules need to know of the migration as a whole: which tables it
 * creates (exempt from the lock rules: nobody uses them yet) and which
 * existing tables it rebuilds (drops after copying them, and creates again).
 */
function context(migration: LintMigration, statements: readonly Analyzed[]): RuleContext {
  const created = new Set<string>()
  const indexes = new Set<string>()
  const dropped = new Set<string>()
  const copied = new Set<string>()
  const rebuilt = new Set<string>()
  for (const op of statements.flatMap((s) => s.ops)) {
    if (op.kind === 'create-table' || op.kind === 'rename-table') {
      const table = key(op.kind === 'create-table' ? op.table : op.to)
      if (dropped.has(table) && copied.has(table)) rebuilt.add(table)
      else if (!dropped.has(table) && (op.kind === 'create-table' || created.has(key(op.from)))) created.add(table)
    }
    if (op.kind === 'create-index' && op.index) indexes.add(key(op.index))
    if (op.kind === 'insert-select') op.from.forEach((t) => copied.add(key(t)))
    if (op.kind === 'drop-table') op.tables.forEach((t) => dropped.add(key(t)))
  }
  return {
    migration,
    statements,
    isNew: (table) => created.has(key(table)),
    isNewIndex: (index) => indexes.has(key(index)),
    rebuilt,
  }
}
