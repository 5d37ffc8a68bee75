import { isAbsolute, join, relative } from 'node:path'
import type { StatusResult } from '../core/status.js'

/**
 * GitHub Actions workflow commands, for `--format github` (status, lint): one
 * line per problem, which Actions shows as an annotation on the run and, with
 * `file` (relative to the repository root, as Actions resolves it), on that
 * file in the pull request.
 */
export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  title?: string
  /** Absolute, or relative to the repository root. */
  file?: string
  line?: number
}

// The escaping of @actions/core (toCommandValue / escapeProperty): a message is one line, a property also stops at , and :.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')

/** `::warning file=…,line=…,title=…::message` */
export function formatAnnotation(a: Annotation, root: string): string {
  const props = [
    ...(a.file ? [`file=${escapeProperty(isAbsolute(a.file) ? relative(root, a.file) : a.file)}`] : []),
    ...(a.line !== undefined ? [`line=${a.line}`] : []),
    ...(a.title ? [`title=${escapeProperty(a.title)}`] : []),
  ]
  return `::${a.level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(a.message)}`
}

/**
 * `mig status --format github`: pending migrations as warnings, drift, a
 * missing file, a failed migration and a project mig could not answer for as
 * errors, one per migration or problem. A clean status prints nothing.
 */
export function statusAnnotations(result: Pick<StatusResult, 'projects' | 'trackedBackups'>): Annotation[] {
  const out: Annotation[] = []
  for (const p of result.projects) {
    for (const m of p.migrations ?? []) {
      const file = m.file ? { file: m.file } : {}
      if (m.state === 'pending')
        out.push({
          level: 'warning',
          title: 'Pending migration',
          message: `${p.name}: ${m.id} is not applied; \`mig up --project ${p.name}\` applies it`,
          ...file,
        })
      else if (m.state === 'failed')
        out.push({
          level: 'error',
          title: 'Failed migration',
          message: `${p.name}: ${m.id} failed partway${m.error ? ` (${m.error})` : ''}; finish or undo it by hand, then \`mig resolve ${m.id} --applied\` or \`--rolled-back\``,
          ...file,
        })
      else if (m.state === 'missing')
        out.push({ level: 'error', title: 'Missing migration', message: `${p.name}: ${m.id} is applied, but its files are gone` })
      else if (m.drift)
        out.push({
          level: 'error',
          title: 'Drift',
          message: `${p.name}: ${m.id} was edited after it was applied; restore the applied version, or add a new migration for the change`,
          ...file,
        })
    }
    if (p.lock)
      out.push({
        level: p.lock.stale ? 'notice' : 'warning',
        title: 'Locked',
        message: `${p.name}: ${p.database?.url ?? 'its database'} is locked by ${p.lock.holder}${p.lock.since ? ` since ${p.lock.since}` : ''}${p.lock.stale ? ' (stale: `mig unlock --release` frees it)' : ''}`,
      })
    if (p.toolLock)
      out.push({
        level: 'warning',
        title: 'Locked',
        message: `${p.name}: locked by ${p.toolLock.holder}${p.toolLock.since ? ` (${p.toolLock.since})` : ''}; if no ${p.tool} run is going on, \`mig unlock --release\` frees it`,
      })
    for (const file of p.ignoredFiles ?? [])
      out.push({
        level: 'warning',
        title: 'Ignored file',
        message: `${p.name}: ${file} is not run: its name breaks the naming rule`,
        file: join(p.dir, file),
      })
    if (p.error)
      out.push({
        level: 'error',
        title: 'mig status',
        message: `${p.error.message.startsWith(`${p.name}: `) ? '' : `${p.name}: `}${p.error.message}${p.error.hint ? `. Hint: ${p.error.hint}` : ''}`,
      })
  }
  for (const file of result.trackedBackups ?? [])
    out.push({
      level: 'warning',
      title: 'Backup in git',
      message: `git tracks ${file}, a full data dump: \`git rm --cached\` it and keep the backup folder in .gitignore`,
      file,
    })
  return out
}
