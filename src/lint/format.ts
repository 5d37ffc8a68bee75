import { relative } from 'node:path'
import { type Annotation, formatAnnotation } from '../output/github.js'
import type { Finding, LintResult, Unparsed } from './types.js'

/** A project whose migrations lint could not read SQL for, said in the report rather than skipped in silence. */
export interface NotLinted {
  project: string
  tool: string
  reason: string
}

export interface LintReport extends LintResult {
  /** How many migrations were linted. */
  migrations: number
  notLinted: NotLinted[]
}

/** 1 when any error-level finding remains (after config and `mig:ignore`), else 0. */
export const lintExitCode = (findings: readonly Finding[]): 0 | 1 => (findings.some((f) => f.severity === 'error') ? 1 : 0)

const where = (file: string | undefined, line: number | undefined, root: string): string =>
  file ? `${relative(root, file)}${line !== undefined ? `:${line}` : ''}` : line !== undefined ? `line ${line}` : ''

const oneLine = (sql: string, max = 120): string => {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The readable report: grouped by project, then migration, each finding with file:line, what happens and the fix. */
export function formatText(report: LintReport, root = process.cwd()): string {
  const lines: string[] = []
  const groups = new Map<string, Map<string, { findings: Finding[]; unparsed: Unparsed[] }>>()
  const group = (project: string, migration: string) => {
    const byMigration = groups.get(project) ?? new Map()
    groups.set(project, byMigration)
    const entry = byMigration.get(migration) ?? { findings: [], unparsed: [] }
    byMigration.set(migration, entry)
    return entry
  }
  for (const f of report.findings) group(f.project, f.migration).findings.push(f)
  for (const u of report.unparsed) group(u.project, u.migration).unparsed.push(u)
  for (const [project, byMigration] of groups) {
    lines.push(project)
    for (const [migration, { findings, unparsed }] of byMigration) {
      lines.push(`  ${migration}`)
      for (const f of findings) {
        const at = where(f.file, f.line, root)
        lines.push(
          `    ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.code}${at ? `  ${at}` : ''}${f.parsed ? '' : '  (token check: the statement did not parse)'}`,
        )
        if (f.statement) lines.push(`      ${oneLine(f.statement)}`)
        lines.push(`      ${f.message}`)
        lines.push(`      fix: ${f.fix}`)
      }
      for (const u of unparsed) {
        lines.push(
          `    note    ${where(u.file, u.line, root) || 'a statement'} did not parse (${oneLine(u.error, 80)}): checked by tokens only`,
        )
      }
    }
  }
  for (const n of report.notLinted) lines.push(`${n.project} (${n.tool}): not linted: ${n.reason}`)
  const errors = report.findings.filter((f) => f.severity === 'error').length
  const warnings = report.findings.length - errors
  lines.push(
    `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(report.migrations, 'migration')} linted${report.unparsed.length ? `; ${plural(report.unparsed.length, 'statement')} checked by tokens only` : ''}`,
  )
  return lines.join('\n')
}

/** GitHub Actions workflow commands (src/output/github.ts): one annotation per finding, on the file and line where known. */
export function formatGithub(report: LintReport, root = process.cwd()): string {
  const annotations: Annotation[] = [
    ...report.findings.map((f): Annotation => ({
      level: f.severity,
      ...(f.file ? { file: f.file } : {}),
      ...(f.line !== undefined ? { line: f.line } : {}),
      title: f.code,
      message: `${f.project} ${f.migration}: ${f.message}${f.parsed ? '' : ' (token check: the statement did not parse)'}. Fix: ${f.fix}`,
    })),
    ...report.unparsed.map((u): Annotation => ({
      level: 'notice',
      ...(u.file ? { file: u.file } : {}),
      ...(u.line !== undefined ? { line: u.line } : {}),
      title: 'mig lint',
      message: `${u.project} ${u.migration}: statement did not parse (${u.error}); checked by tokens only`,
    })),
    ...report.notLinted.map((n): Annotation => ({
      level: 'notice',
      title: 'mig lint',
      message: `${n.project} (${n.tool}): not linted: ${n.reason}`,
    })),
  ]
  return annotations.map((a) => formatAnnotation(a, root)).join('\n')
}

/** The `--json` result (also `--format json`). */
export function toJson(report: LintReport) {
  const errors = report.findings.filter((f) => f.severity === 'error').length
  return {
    findings: report.findings,
    unparsed: report.unparsed,
    notLinted: report.notLinted,
    summary: { migrations: report.migrations, errors, warnings: report.findings.length - errors, unparsed: report.unparsed.length },
    exitCode: lintExitCode(report.findings),
  }
}
