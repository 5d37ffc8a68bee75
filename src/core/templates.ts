import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'
import { packageRoot } from '../package-root.js'
import { dialects, type Dialect } from '../db/types.js'
import { MigError, usageError } from '../output/errors.js'
import { derivedFrom, flagOf, optionDefaults, optionOrder, placeholderOf, templateVars } from './template-vars.js'

export interface TemplateRequest {
  /** The tool, which names the override folder: `<project>/.mig/templates/<tool>/`. */
  tool: string
  /** The project's folder. */
  projectDir: string
  /** The adapter's own templates folder. */
  builtIn: string
  /** The template's name (`blank`, `create-table`), for the error. */
  name: string
  /**
   * The file to read, e.g. `create-table.esm.txt`. Looked up in the override
   * folder, then in `builtIn`; in each, `<name>.<dialect>.<rest>`
   * (`add-index.postgres.esm.txt`) first when `vars.dialect` is set.
   */
  file: string
  /** `{{key}}` → vars[key], with what `templateVars` computes from them. */
  vars: Record<string, unknown>
  /**
   * The plain-SQL file this one stands for (`up` for Prisma's
   * `migration.sql`): found in neither folder, core's own
   * `templates/sql/<name>[.<dialect>].<sql>.sql`, so a plugin keeps only the
   * files where its tool differs.
   */
  sql?: 'up' | 'down'
}

/** Core's plain-SQL templates, which a plugin writing SQL falls back to (TemplateRequest.sql). */
export const sqlTemplatesDir = join(packageRoot, 'templates', 'sql')

const dialectNames: Record<Dialect, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', sqlite: 'SQLite' }

/** Variables every template may use that no flag sets. */
const internal = new Set(['name', 'className', 'dialect', 'guard'])

const value = /\{\{\s*(\w+)\s*\}\}/g
const section = /\{\{([#^])(\w+)\}\}((?:(?!\{\{[#^]\w+\}\})[\s\S])*?)\{\{\/\2\}\}/
// A section tag alone on its line takes the line with it, as in Mustache.
const standalone = /^[ \t]*(\{\{[#^/]\w+\}\})[ \t]*\r?\n/gm
const cannot = /\{\{cannot:\s*([^}]+?)\s*\}\}/
const guardLine = /^([ \t]*)\{\{guard\}\}[ \t]*(\r?\n|$)/gm

const truthy = (v: unknown): boolean => v !== undefined && v !== '' && v !== false && v !== null
const given = (v: unknown): boolean => v !== undefined && v !== ''

/** `{{#key}}…{{/key}}` kept when key is set (not false), `{{^key}}…{{/key}}` when it is not; inner sections first. */
function resolveSections(text: string, vars: Record<string, unknown>): string {
  let out = text.replace(standalone, '$1')
  for (let m = section.exec(out); m; m = section.exec(out)) {
    const keep = (m[1] === '#') === truthy(vars[m[2]!])
    out = out.slice(0, m.index) + (keep ? m[3]! : '') + out.slice(m.index + m[0].length)
  }
  return out
}

/** The options a template's text still needs after its sections are resolved, as `--flag`s in order. */
function missingOptions(text: string, vars: Record<string, unknown>): string[] {
  const keys = [...text.matchAll(value)].map((m) => m[1]!).filter((k) => k !== 'guard')
  const sources = keys.flatMap((k) => derivedFrom[k] ?? [k])
  return [...new Set(sources.filter((s) => !given(vars[s]) && !(s in optionDefaults)))]
}

/** The line that stops a file with placeholders from running: a thrown Error in JS/TS, a statement no database parses in SQL. */
function guard(file: string, missing: string[]): string {
  const fill = `fill in ${missing.map(placeholderOf).join(', ')} in this file (or make it again with ${missing.map(flagOf).join(', ')}), then delete this line`
  return extname(file) === '.sql' ? `MIG_MAKE_PLACEHOLDERS: ${fill};` : `throw new Error(${JSON.stringify(`mig make: ${fill}`)})`
}

function lookup(t: TemplateRequest, dialect: Dialect | undefined): string | undefined {
  const rest = t.file.startsWith(`${t.name}.`) ? t.file.slice(t.name.length + 1) : undefined
  const files = [...(dialect && rest ? [`${t.name}.${dialect}.${rest}`] : []), t.file]
  const dirs = [join(t.projectDir, '.mig', 'templates', t.tool), t.builtIn]
  const sql = t.sql
    ? [...(dialect ? [`${t.name}.${dialect}.${t.sql}.sql`] : []), `${t.name}.${t.sql}.sql`].map((f) => join(sqlTemplatesDir, f))
    : []
  return [...dirs.flatMap((dir) => files.map((f) => join(dir, f))), ...sql].find((f) => existsSync(f))
}

/**
 * A migration template, the project's own copy first, rendered. An unknown
 * template is a MigError listing the built-in names; `{{cannot: why}}` (in a
 * dialect's own file) refuses with the reason. Options left unset are written
 * as placeholders (`__TABLE__`) when the template has a `{{guard}}` line, which
 * then becomes a line that fails when the migration runs; without one they are a
 * usage error naming the flags.
 */
export function renderTemplate(t: TemplateRequest): string {
  const dialect = dialects.find((d) => d === t.vars.dialect)
  const source = lookup(t, dialect)
  if (!source) {
    const names = readdirSync(t.builtIn).concat(t.sql ? readdirSync(sqlTemplatesDir) : [])
    const known = [...new Set(names.map((f) => f.split('.')[0]!))].sort()
    throw new MigError(
      'TEMPLATE_UNKNOWN',
      `no ${t.tool} template "${t.name}"`,
      `use one of: ${known.join(', ')} (or add ${t.file} in .mig/templates/${t.tool}/)`,
    )
  }
  const vars = templateVars(t.vars, dialect)
  const text = resolveSections(readFileSync(source, 'utf8'), vars)
  const refused = cannot.exec(text)
  if (refused) {
    throw new MigError(
      'TEMPLATE_UNSUPPORTED',
      `the ${t.tool} template "${t.name}" cannot be made for ${dialect ? dialectNames[dialect] : 'this database'}: ${refused[1]}`,
      `write it by hand: mig make ${String(t.vars.name ?? 'NAME')} gives a blank migration (or add ${t.file} in .mig/templates/${t.tool}/)`,
    )
  }
  const missing = missingOptions(text, vars)
  if (missing.length && !/\{\{guard\}\}/.test(text)) {
    throw usageError(
      'TEMPLATE_VAR',
      `the ${t.tool} template "${t.name}" needs ${missing.map(flagOf).join(', ')}`,
      `e.g. mig make ${String(t.vars.name ?? 'NAME')} --template ${t.name} ${missing.map((k) => `${flagOf(k)} <${k}>`).join(' ')}`,
    )
  }
  return text
    .replace(guardLine, (_m, indent: string, eol: string) => (missing.length ? `${indent}${guard(t.file, missing)}${eol}` : ''))
    .replace(value, (_m, key: string) => (given(vars[key]) ? String(vars[key]) : placeholderOf(key)))
}

/** One line per built-in pattern, for `mig make --list`. */
export const templateSummaries: Record<string, string> = {
  blank: 'an empty up and down',
  'create-table': 'a table with id, a unique name, timestamps, an index, and a foreign key with --ref',
  'add-column': 'one column; NOT NULL when it has a --default (or --no-nullable)',
  'alter-column': 'change a column to --type (down: --from-type); --no-nullable / --nullable change NOT NULL, down undoes it',
  'add-index': 'an index on --column or --columns a,b; PostgreSQL: CONCURRENTLY, outside a transaction',
  'foreign-key': 'a column referencing --ref table.column, with --on-delete and --on-update',
  'rename-table': 'rename --table to --to',
  'rename-column': 'rename --column of --table to --to',
  enum: 'a column of --values a,b,c, as the database does enums (PostgreSQL type, MySQL ENUM, SQLite CHECK)',
  timestamps: 'created_at and updated_at',
  json: 'a JSON column (PostgreSQL jsonb)',
  'data-migration': 'set --column to the SQL --set in batches of --batch rows by primary key (keyset); resumable',
}

export interface TemplateOption {
  flag: string
  required: boolean
  default?: string | number
}

export interface TemplateInfo {
  tool: string
  name: string
  summary: string
  options: TemplateOption[]
  /** Dialects with a file of their own (`add-index.postgres.…`). */
  dialects: Dialect[]
  /** Dialects the template refuses, with why. */
  cannot: Partial<Record<Dialect, string>>
  /** Where it comes from: the plugin's (or mig's) own, or the project's `.mig/templates/<tool>/`. */
  source: 'built-in' | 'project'
}

/** The templates in each folder (a project's own first) and the options each uses, read from their placeholders. */
export function listTemplates(sources: readonly { tool: string; builtIn: string; projectDir?: string; sql?: boolean }[]): TemplateInfo[] {
  const out: TemplateInfo[] = []
  for (const { tool, builtIn, projectDir, sql } of sources) {
    const folders: { dirs: string[]; source: TemplateInfo['source'] }[] = projectDir
      ? [{ dirs: [join(projectDir, '.mig', 'templates', tool)], source: 'project' }]
      : []
    // A plugin that falls back to core's SQL templates (Adapter.sqlTemplates) has them all, its own files first.
    folders.push({ dirs: sql ? [builtIn, sqlTemplatesDir] : [builtIn], source: 'built-in' })
    const seen = new Set<string>()
    for (const { dirs, source } of folders) {
      const byName = new Map<string, string[]>()
      for (const dir of dirs.filter((d) => existsSync(d))) {
        for (const f of readdirSync(dir).sort()) {
          const name = f.split('.')[0]!
          if (name) byName.set(name, [...(byName.get(name) ?? []), join(dir, f)])
        }
      }
      for (const [name, files] of byName) {
        if (seen.has(name)) continue
        seen.add(name)
        out.push({ tool, name, summary: templateSummaries[name] ?? '', source, ...describe(files) })
      }
    }
  }
  return out
}

function describe(files: string[]): Pick<TemplateInfo, 'options' | 'dialects' | 'cannot'> {
  const required = new Set<string>()
  const optional = new Set<string>()
  const options = (keys: Iterable<string>): string[] => [...keys].flatMap((k) => derivedFrom[k] ?? [k]).filter((k) => !internal.has(k))
  const dialectsOf = new Set<Dialect>()
  const cannotOn: Partial<Record<Dialect, string>> = {}
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const d = dialects.find((x) => file.split('/').pop()!.split('.')[1] === x)
    if (d) dialectsOf.add(d)
    // What sections hold is needed only with them; the rest always.
    let outside = text.replace(standalone, '$1')
    for (let m = section.exec(outside); m; m = section.exec(outside)) {
      for (const k of options([m[2]!, ...[...m[3]!.matchAll(value)].map((v) => v[1]!)])) optional.add(k)
      outside = outside.slice(0, m.index) + outside.slice(m.index + m[0].length)
    }
    const reason = cannot.exec(outside)
    if (d && reason) cannotOn[d] = reason[1]!
    for (const k of options([...outside.matchAll(value)].map((v) => v[1]!))) required.add(k)
  }
  const needed = (k: string) => required.has(k) && !(k in optionDefaults)
  // Required flags first, each group in the order of optionOrder.
  const rank = (k: string) => (needed(k) ? 0 : 100) + (optionOrder.includes(k) ? optionOrder.indexOf(k) : optionOrder.length)
  const all = [...new Set([...required, ...optional])].sort((a, b) => rank(a) - rank(b))
  return {
    options: all.map((k) => ({
      flag: flagOf(k),
      required: needed(k),
      ...(k in optionDefaults ? { default: optionDefaults[k as keyof typeof optionDefaults]! } : {}),
    })),
    dialects: dialects.filter((d) => dialectsOf.has(d)),
    cannot: cannotOn,
  }
}
