import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { detectProjects } from '../../src/config/projects.js'
import { sqlAdapter } from '../../src/adapters/sql/adapter.js'
import { MigError } from '../../src/output/errors.js'
import { tempDir, writeSqlProject } from '../helpers.js'

const tools = new Set(['sql', 'knex', 'typeorm', 'prisma', 'sequelize'])

async function problems(config: unknown): Promise<string[]> {
  const root = tempDir()
  mkdirSync(join(root, 'app'))
  writeFileSync(join(root, 'mig.config.json'), JSON.stringify(config))
  try {
    await loadConfig(root, undefined, tools)
    return []
  } catch (error) {
    expect(error).toBeInstanceOf(MigError)
    return (error as MigError).details
  }
}

describe('config validation', () => {
  it('accepts a full config', async () => {
    expect(await problems({ projects: [{ name: 'app', tool: 'sql', dir: 'app', url: { development: 'sqlite:x.db' } }], backup: { dir: '.b', before: ['up'], keep: 3 }, lock: { timeoutSeconds: 5 } })).toEqual([])
  })

  it('reports every problem in one run, each with its key path', async () => {
    const found = await problems({
      projects: [
        { name: 'app', tool: 'flyway', dir: 'app', extra: 1 },
        { name: 'app', tool: 'sql', dir: 'missing' },
        { tool: 'sql', dir: 'app' },
      ],
      backup: { keep: -1, before: ['sideways'] },
      lock: 'soon',
      nope: true,
    })
    expect(found).toEqual(
      expect.arrayContaining([
        'projects[0].extra: unknown key (remove it, or check its spelling)',
        expect.stringMatching(/^projects\[0\]\.tool: unknown tool "flyway"/),
        expect.stringMatching(/^projects\[1\]\.name: "app" is already used by projects\[0\]/),
        expect.stringMatching(/^projects\[1\]\.dir: directory "missing" does not exist/),
        'projects[2].name: required, but it is missing',
        expect.stringMatching(/^backup\.keep: /),
        expect.stringMatching(/^backup\.before\[0\]: must be one of "up", "down"/),
        'lock: expected object, got "soon"',
        'nope: unknown key (remove it, or check its spelling)',
      ]),
    )
    expect(found).toHaveLength(9)
  })

  it('reads package.json "mig" and mig.config.ts', async () => {
    const root = tempDir()
    mkdirSync(join(root, 'app'))
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', mig: { projects: [{ name: 'a', tool: 'sql', dir: 'app' }] } }))
    expect((await loadConfig(root, undefined, tools)).config.projects?.[0]?.name).toBe('a')
    writeFileSync(join(root, 'mig.config.ts'), "const name: string = 'b'\nexport default { projects: [{ name, tool: 'sql', dir: 'app' }] }\n")
    expect((await loadConfig(root, undefined, tools)).config.projects?.[0]?.name).toBe('b')
  })
})

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
})
