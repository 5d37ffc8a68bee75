import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationFlavour } from '../../../../src/core/kit/flavour.js'
import { tempDir } from '../../../helpers.js'

const extensions = ['js', 'ts', 'cjs', 'mjs']

function project(files: string[], pkg?: object) {
  const dir = tempDir()
  mkdirSync(join(dir, 'migrations'))
  for (const f of files) writeFileSync(join(dir, 'migrations', f), '')
  if (pkg) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg))
  return { ref: { name: 'app', tool: 'knex', dir, options: {} }, migrations: join(dir, 'migrations') }
}

describe('migrationFlavour', () => {
  it('follows the extension most migrations use, ignoring other files', () => {
    const p = project(['1_a.ts', '2_b.js', '3_c.ts', 'README.md', 'notes.md', 'x.md'])
    expect(migrationFlavour(p.ref, p.migrations, extensions, 'js')).toEqual({ extension: 'ts', module: 'ts' })
  })

  it('takes the fallback when the folder has no migration or does not exist', () => {
    const p = project(['README.md'])
    expect(migrationFlavour(p.ref, p.migrations, extensions, 'ts')).toEqual({ extension: 'ts', module: 'ts' })
    expect(migrationFlavour(p.ref, join(p.ref.dir, 'nowhere'), extensions, 'js')).toEqual({ extension: 'js', module: 'cjs' })
  })

  it('writes ESM for .mjs, and for .js only in a type: module package', () => {
    const cjs = project(['1_a.js'], { type: 'commonjs' })
    expect(migrationFlavour(cjs.ref, cjs.migrations, extensions, 'js').module).toBe('cjs')
    const esm = project(['1_a.js'], { type: 'module' })
    expect(migrationFlavour(esm.ref, esm.migrations, extensions, 'js')).toEqual({ extension: 'js', module: 'esm' })
    const mjs = project(['1_a.mjs'])
    expect(migrationFlavour(mjs.ref, mjs.migrations, extensions, 'js')).toEqual({ extension: 'mjs', module: 'esm' })
    const cjsFile = project(['1_a.cjs'], { type: 'module' })
    expect(migrationFlavour(cjsFile.ref, cjsFile.migrations, extensions, 'js')).toEqual({ extension: 'cjs', module: 'cjs' })
  })
})
