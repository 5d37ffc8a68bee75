import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { detectProjects } from '../../../src/config/projects.js'
import { sqlAdapter } from '../../../src/adapters/sql/adapter.js'
import { tempDir, writeSqlProject } from '../../helpers.js'

describe('project detection', () => {
  it('finds SQL projects and known tools, skips node_modules, dist and .git, and names collisions by parent', async () => {
    const root = tempDir()
    writeSqlProject(join(root, 'services'), 'billing', 'sqlite:x.db', [{ id: '001_a', up: 'SELECT 1;' }])
    writeSqlProject(join(root, 'legacy'), 'billing', 'sqlite:x.db', [{ id: '001_a', up: 'SELECT 1;' }])
    writeSqlProject(join(root, 'node_modules', 'dep'), 'x', 'sqlite:x.db', [{ id: '001_a', up: 'SELECT 1;' }])
    writeSqlProject(join(root, 'dist'), 'y', 'sqlite:x.db', [{ id: '001_a', up: 'SELECT 1;' }])
    mkdirSync(join(root, 'api', 'prisma'), { recursive: true })
    writeFileSync(join(root, 'api', 'prisma', 'schema.prisma'), '')
    mkdirSync(join(root, 'jobs'))
    writeFileSync(join(root, 'jobs', 'knexfile.ts'), '')
    const found = await detectProjects(root, new Map([['sql', sqlAdapter]]))
    expect(found.map((p) => [p.name, p.tool, p.relDir, p.adapter ? 'installed' : 'missing'])).toEqual([
      ['api', 'prisma', 'api', 'missing'],
      ['jobs', 'knex', 'jobs', 'missing'],
      ['legacy-billing', 'sql', 'legacy/billing', 'installed'],
      ['services-billing', 'sql', 'services/billing', 'installed'],
    ])
  })

  it('skips what .gitignore files ignore (nested ones, negations) and vendored, fixture and example folders below the root', async () => {
    const root = tempDir()
    const sql = (dir: string) => writeSqlProject(join(root, dir), '.', 'sqlite:x.db', [{ id: '001_a', up: 'SELECT 1;' }])
    for (const dir of [
      'app',
      'vendor/lib',
      'third_party/x',
      'test/fixtures/a',
      'pkg/__fixtures__/b',
      'examples/c',
      'build/d',
      'gen/e',
      'tmp/keep',
      'tmp/drop',
      'pkg/old',
      'pkg/new',
      'files/gone',
      'files/kept',
    ])
      sql(dir)
    writeFileSync(join(root, '.gitignore'), 'gen/\ntmp/*\n!tmp/keep/\n')
    writeFileSync(join(root, 'pkg', '.gitignore'), 'old/\n')
    // Rules for files, not folders: the nearest .gitignore with a rule for the file decides.
    writeFileSync(join(root, 'files', '.gitignore'), '*.sql\n')
    writeFileSync(join(root, 'files', 'kept', '.gitignore'), '!*.sql\n')
    const found = await detectProjects(root, new Map([['sql', sqlAdapter]]))
    expect(found.map((p) => p.relDir)).toEqual(['app', 'files/kept', 'pkg/new', 'tmp/keep'])
    const examples = await detectProjects(join(root, 'examples', 'c'), new Map([['sql', sqlAdapter]]))
    expect(examples.map((p) => p.relDir)).toEqual(['.'])
  })
})
