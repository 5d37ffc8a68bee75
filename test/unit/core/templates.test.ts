import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { renderTemplate } from '../../../src/core/templates.js'
import { MigError } from '../../../src/output/errors.js'
import { tempDir } from '../../helpers.js'

const root = tempDir()
afterAll(() => rmSync(root, { recursive: true, force: true }))
const builtIn = join(root, 'plugin-templates')
const projectDir = join(root, 'project')
mkdirSync(builtIn)
mkdirSync(join(projectDir, '.mig', 'templates', 'knex'), { recursive: true })
writeFileSync(join(builtIn, 'blank.cjs.txt'), '// {{ name }} by {{author}}\n')
writeFileSync(join(builtIn, 'create-table.cjs.txt'), 'create {{name}}\n')
writeFileSync(join(projectDir, '.mig', 'templates', 'knex', 'create-table.cjs.txt'), 'our own {{name}}\n')
const request = (name: string) => ({ tool: 'knex', projectDir, builtIn, name, file: `${name}.cjs.txt`, vars: { name: 'add_phone' } })

describe('migration templates', () => {
  it("renders {{key}} from vars; the project's own copy wins over the built-in one", () => {
    expect(renderTemplate({ ...request('blank'), vars: { name: 'add_phone', author: 'ada' } })).toBe('// add_phone by ada\n')
    expect(renderTemplate(request('create-table'))).toBe('our own add_phone\n')
  })

  it('a placeholder without a value fails loudly, naming the flag, rather than writing an empty name into the file', () => {
    expect(() => renderTemplate(request('blank'))).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VAR', exit: 2, message: 'the knex template "blank" needs --author' }),
    )
    expect(() => renderTemplate({ ...request('blank'), vars: { name: 'add_phone', author: '' } })).toThrow(/needs --author/)
  })

  it('an unknown template is a MigError naming the built-in ones and where an own copy would go', () => {
    let error: unknown
    try {
      renderTemplate(request('add-index'))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MigError)
    expect(error).toMatchObject({
      code: 'TEMPLATE_UNKNOWN',
      message: 'no knex template "add-index"',
      hint: 'use one of: blank, create-table (or add add-index.cjs.txt in .mig/templates/knex/)',
    })
  })
})
