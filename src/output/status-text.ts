import type { StatusResult } from '../core/status.js'
import type { SkippedDir } from '../config/find-files.js'
import { type Tone, paint } from './colour.js'
import { table } from './table.js'

export interface StatusWriters {
  /** A line of the report (stdout). */
  out(line: string): void
  /** A notice (stderr). */
  note(line: string): void
  /** `--debug` detail (stderr); absent without it. */
  debug?(line: string): void
}

/** `mig status` as text: one table, then each project's pending and troubled migrations, then errors. */
export function renderStatus(
  result: Pick<StatusResult, 'projects' | 'trackedBackups'>,
  detected: boolean,
  w: StatusWriters,
  skipped: readonly SkippedDir[] = [],
): void {
  const { projects } = result
  const tracked = result.trackedBackups ?? []
  if (tracked.length) {
    w.note(
      `Warning: git tracks ${tracked.length} backup file${tracked.length === 1 ? '' : 's'} (full data dumps), e.g. ${tracked[0]}: \`git rm --cached\` them and keep the backup folder in .gitignore`,
    )
  }
  if (detected) {
    const skips = skipped.length
      ? `, skipping ${skipped.length} folder${skipped.length === 1 ? '' : 's'} (git-ignored, vendored, fixtures, examples, build output; --debug lists them)`
      : ''
    w.note(
      projects.length
        ? `No mig.config.json: detected the projects below${skips} (\`mig init\` writes them down).`
        : `No mig.config.json and no projects detected${skips}.`,
    )
    for (const s of skipped) w.debug?.(`detection skipped ${s.dir}/ (${s.reason})`)
  }
  if (!projects.length) return
  w.out(
    table(
      ['project', 'tool', 'database', 'applied', 'pending', 'state'],
      projects.map((p) => [p.name, p.tool, p.database?.url ?? '-', p.summary?.applied ?? '-', p.summary?.pending ?? '-', stateOf(p)]),
    ),
  )
  for (const p of projects) {
    const lines: string[] = []
    for (const m of p.migrations ?? []) {
      if (m.state === 'pending') lines.push(`  ${label('pending', 'pending')}${m.id}`)
      else if (m.state === 'failed') lines.push(`  ${label('failed', 'FAILED')}${m.id}${m.error ? ` — ${m.error}` : ''}`)
      else if (m.state === 'missing') lines.push(`  ${label('failed', 'MISSING')}${m.id} (applied, but its files are gone)`)
      else if (m.drift) lines.push(`  ${label('drift', 'DRIFT')}${m.id} (edited since it was applied)`)
    }
    if (p.lock)
      lines.push(
        `  ${label('locked', 'LOCKED')}by ${p.lock.holder}${p.lock.since ? ` since ${p.lock.since}` : ''}${p.lock.stale ? ' — stale, `mig unlock --release` frees it' : ''}`,
      )
    if (p.toolLock)
      lines.push(
        `  ${label('locked', 'LOCKED')}by ${p.toolLock.holder}${p.toolLock.since ? ` (${p.toolLock.since})` : ''}: a ${p.tool} run holds it, or one crashed; if none is running, \`mig unlock --release\` frees it`,
      )
    for (const file of p.ignoredFiles ?? []) lines.push(`  ${label('muted', 'IGNORED')}${file} (not run: its name breaks the naming rule)`)
    if (p.plugin) lines.push(`  install the plugin to see it: ${p.plugin.install}`)
    if (lines.length) w.out(`\n${p.name} (${p.dir})\n${lines.join('\n')}`)
  }
  const said = new Set<string>()
  for (const p of projects) {
    for (const variable of p.env?.overridden ?? []) w.note(`Note: ${p.name}: the exported ${variable} overrides the one in ${p.dir}/.env`)
    for (const s of p.env?.shared ?? []) {
      const key = `${s.variable}\0${s.projects.join(',')}`
      if (said.has(key)) continue
      said.add(key)
      w.note(
        `Warning: the exported ${s.variable} points ${s.projects.join(', ')} at one database (${p.database?.url ?? '?'}) although their .env files differ; \`mig up\`/\`mig down\` refuse this without --allow-shared-url`,
      )
    }
  }
  for (const p of projects) {
    if (!p.error) continue
    // Adapters' messages usually name the project already.
    w.note(`Error: ${p.error.message.startsWith(`${p.name}: `) ? '' : `${p.name}: `}${p.error.message}`)
    if (p.error.hint) w.note(`Hint: ${p.error.hint}`)
  }
}

/** A migration line's state word, padded to the column the ids start at. */
const label = (tone: Tone, word: string): string => `${paint(tone, word)}${' '.repeat(10 - word.length)}`

function stateOf(p: StatusResult['projects'][number]): string {
  if (p.plugin) return paint('pending', 'plugin not installed')
  if (p.error) return paint('failed', 'error')
  const s = p.summary!
  const parts = [
    s.failed && paint('failed', `${s.failed} failed`),
    s.drift && paint('drift', `${s.drift} drift`),
    s.missing && paint('failed', `${s.missing} missing`),
    (p.lock && !p.lock.stale) || p.toolLock ? paint('locked', 'locked') : p.lock && paint('locked', 'stale lock'),
    s.pending && paint('pending', `${s.pending} pending`),
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : paint('ok', 'up to date')
}
