import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { MigError, usageError } from '../output/errors.js'

export interface TemplateRequest {
  /** The tool, which names the override folder: `<project>/.mig/templates/<tool>/`. */
  tool: string
  /** The project's folder. */
  projectDir: string
  /** The adapter's own templates folder. */
  builtIn: string
  /** The template's name (`blank`, `create-table`), for the error. */
  name: string
  /** The file to read, e.g. `create-table.esm.txt`, looked up in the override folder, then in `builtIn`. */
  file: string
  /** `{{key}}` → vars[key]; a key the template uses and `vars` lacks is a usage error naming `--key`. */
  vars: Record<string, unknown>
}

/** A migration template, the project's own copy first, rendered; an unknown one is a MigError listing the built-in names. */
export function renderTemplate(t: TemplateRequest): string {
  const source = [join(t.projectDir, '.mig', 'templates', t.tool, t.file), join(t.builtIn, t.file)].find((f) => existsSync(f))
  if (!source) {
    const known = [...new Set(readdirSync(t.builtIn).map((f) => f.split('.')[0]!))].sort()
    throw new MigError(
      'TEMPLATE_UNKNOWN',
      `no ${t.tool} template "${t.name}"`,
      `use one of: ${known.join(', ')} (or add ${t.file} in .mig/templates/${t.tool}/)`,
    )
  }
  const text = readFileSync(source, 'utf8')
  const placeholder = /\{\{\s*(\w+)\s*\}\}/g
  const given = (key: string) => t.vars[key] !== undefined && t.vars[key] !== ''
  // An empty value would write `createTable('')`: a file that fails only when it runs.
  const missing = [...new Set([...text.matchAll(placeholder)].map((m) => m[1]!))].filter((key) => !given(key))
  if (missing.length) {
    const flags = missing.map((k) => `--${k}`).join(', ')
    throw usageError(
      'TEMPLATE_VAR',
      `the ${t.tool} template "${t.name}" needs ${flags}`,
      `e.g. mig make ${String(t.vars.name ?? 'NAME')} --template ${t.name} ${missing.map((k) => `--${k} <${k}>`).join(' ')}`,
    )
  }
  return text.replace(placeholder, (_m, key: string) => String(t.vars[key]))
}
