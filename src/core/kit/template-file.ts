import { extname } from 'node:path'
import type { ProjectRef } from '../../adapter.js'
import { renderTemplate } from '../templates.js'
import { writeNew } from './files.js'

/** Which template a new migration file is written from, for `writeFromTemplate`. */
export interface TemplateFile {
  /** The adapter's own templates folder. */
  builtIn: string
  /** The template's name (`blank`, `create-table`), as `mig make --template` gives it. */
  name: string
  /** The template's file; default `<name><the new file's extension>.txt`, e.g. `blank.ts.txt` for `…-Name.ts`. */
  file?: string
  vars: Record<string, unknown>
}

/**
 * Render a template for the project's tool (its own copy in
 * `.mig/templates/<tool>/` first) and write it as the new migration `file`,
 * which is never overwritten. Returns `file`.
 */
export async function writeFromTemplate(project: ProjectRef, file: string, template: TemplateFile): Promise<string> {
  const text = renderTemplate({
    tool: project.tool,
    projectDir: project.dir,
    builtIn: template.builtIn,
    name: template.name,
    file: template.file ?? `${template.name}${extname(file)}.txt`,
    vars: template.vars,
  })
  await writeNew(file, text)
  return file
}
