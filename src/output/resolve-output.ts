import type { ResolveResult } from '../core/resolve.js'

/** One line per marked migration, then a summary. */
export function resolveLines(result: ResolveResult): string[] {
  if (!result.marked.length) return ['Nothing to mark: no pending migration.']
  const verb = result.dryRun ? 'would mark' : 'marked'
  const lines = result.marked.map((m) => `${verb} ${m.as}  ${m.project}  ${m.id}  (${m.note})`)
  const n = result.marked.length
  lines.push(
    result.dryRun
      ? `${n} migration${n === 1 ? '' : 's'} would be marked; nothing was written.`
      : `${n} migration${n === 1 ? '' : 's'} marked ${result.marked[0]!.as}, without running ${n === 1 ? 'it' : 'them'}.`,
  )
  return lines
}

export const resolveJson = (result: ResolveResult) => ({ ...result, exitCode: 0 })
