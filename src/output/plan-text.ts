import type { PlanResult } from '../core/plan-run.js'
import type { MigrationCheck, VerifyResult } from '../core/verify.js'
import { type Tone, paint } from './colour.js'

/** What every plan says first: it ran, for real, on empty copies. */
export const planCaveat =
  'Ran on schema-only copies of the databases (no rows but the migration ledgers), so code that reads data saw empty tables; the databases themselves were not touched.'

/** 1 when a migration failed on its copy (the plan is incomplete), else 0. */
export const planExitCode = (plan: PlanResult): number => (plan.migrations.some((m) => m.error !== undefined) ? 1 : 0)

/** `mig plan` as text: per migration `project id`, then its statements in order. */
export function planText(plan: PlanResult): string[] {
  if (!plan.migrations.length) return ['Nothing to apply: every selected migration is applied.']
  const lines = [planCaveat]
  for (const m of plan.migrations) {
    lines.push('', `${m.project} ${m.id}`)
    if (!m.statements.length && m.error === undefined) lines.push('  (no statements)')
    m.statements.forEach((sql, i) => {
      if (m.dataDependent.includes(i))
        lines.push(paint('pending', '  -- may depend on data: runs after the migration read the database, which was empty here'))
      lines.push(...indent(terminated(sql)))
    })
    if (m.error !== undefined)
      lines.push(`  ${paint('failed', '!! failed on the copy:')} ${m.error}`, '  (the later migrations of this database were not run)')
  }
  const dependent = plan.migrations.filter((m) => m.dataDependent.length).length
  if (dependent)
    lines.push('', `${dependent} migration(s) read the database before writing: their statements above may differ on real data.`)
  return lines
}

export const planJson = (plan: PlanResult) => ({
  projects: plan.projects,
  migrations: plan.migrations,
  caveat: planCaveat,
  exitCode: planExitCode(plan),
})

const terminated = (sql: string): string => (/;\s*$/.test(sql) ? sql.trim() : `${sql.trim()};`)
const indent = (text: string): string[] => text.split('\n').map((l) => `  ${l}`)

const outcomeText: Record<MigrationCheck['outcome'], [Tone, string, string]> = {
  ok: ['ok', 'ok', ' (up, down, up again)'],
  applied: ['muted', 'applied', ' (before --from, not checked)'],
  irreversible: ['pending', 'IRREVERSIBLE', ': it has no down'],
  'not-restored': ['failed', 'FAILED', ': down does not restore the schema'],
  'not-repeatable': ['failed', 'FAILED', ': up after down builds another schema'],
  failed: ['failed', 'FAILED', ''],
}

function outcomeOf(c: MigrationCheck): string {
  if (c.outcome === 'failed') return `${paint('failed', 'FAILED')} on ${c.step}`
  const [tone, word, rest] = outcomeText[c.outcome]
  return `${paint(tone, word)}${rest}`
}

/** `mig verify` as text: per project its migrations and what was wrong. */
export function verifyText(result: VerifyResult): string[] {
  const lines: string[] = []
  for (const p of result.projects) {
    if (lines.length) lines.push('')
    lines.push(
      `${p.project} (${p.tool}, ${p.dialect}, on an empty scratch database): ${p.ok ? paint('ok', 'ok') : paint('failed', 'FAILED')}`,
    )
    if (!p.migrations.length) lines.push('  no migrations')
    for (const c of p.migrations) {
      lines.push(`  ${c.id}: ${outcomeOf(c)}`)
      for (const d of c.differences ?? []) lines.push(`    - ${d}`)
      if (c.message) lines.push(`    ${c.message}`)
    }
  }
  const bad = result.projects.flatMap((p) => p.migrations.filter((c) => c.outcome !== 'ok' && c.outcome !== 'applied'))
  lines.push(
    '',
    result.ok ? paint('ok', 'Every migration reverts cleanly.') : paint('failed', `${bad.length} migration(s) failed verification.`),
  )
  return lines
}

export const verifyJson = (result: VerifyResult) => ({ ...result, exitCode: result.ok ? 0 : 1 })
