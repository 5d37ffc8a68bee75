import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { jsonErrorWhere, loadConfig } from '../../../src/config/load.js'
import { MigError } from '../../../src/output/errors.js'
import { tempDir } from '../../helpers.js'

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
    expect(
      await problems({
        projects: [{ name: 'app', tool: 'sql', dir: 'app', url: { development: 'sqlite:x.db' } }],
        backup: { dir: '.b', before: ['up'], keep: 3 },
        lock: { timeoutSeconds: 5 },
      }),
    ).toEqual([])
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
    writeFileSync(
      join(root, 'mig.config.ts'),
      "const name: string = 'b'\nexport default { projects: [{ name, tool: 'sql', dir: 'app' }] }\n",
    )
    expect((await loadConfig(root, undefined, tools)).config.projects?.[0]?.name).toBe('b')
  })
})

describe('configs that say nothing, or too much', () => {
  const load = async (root: string, file: string, text: string): Promise<MigError> => {
    writeFileSync(join(root, file), text)
    return loadConfig(root, undefined, tools).then(
      () => expect.unreachable('loaded'),
      (error: unknown) => error as MigError,
    )
  }

  it('null, [] and a module without a default export are errors, never detection', async () => {
    for (const [file, text, message] of [
      ['mig.config.json', 'null', 'mig.config.json is null, not a config object'],
      ['mig.config.json', '[]', 'mig.config.json is a list, not a config object'],
      ['package.json', '{ "name": "x", "mig": null }', 'package.json "mig" is null, not a config object'],
      ['mig.config.mjs', 'export const projects = []\n', 'mig.config.mjs exports no config'],
    ] as const) {
      const error = await load(tempDir(), file, text)
      expect(error).toBeInstanceOf(MigError)
      expect([error.code, error.message]).toEqual(['CONFIG_INVALID', message])
      expect(error.hint).toMatch(/mig init --force/)
    }
  })

  it('projects: [] lists no projects', async () => {
    const error = await load(tempDir(), 'mig.config.json', '{ "projects": [] }')
    expect([error.code, error.message, error.exit]).toEqual(['NO_PROJECTS', 'no projects found', 2])
    expect(error.hint).toMatch(/^mig\.config\.json lists no projects: /)
  })

  it('a dir outside the repository needs "outside": true, also through a symbolic link', async () => {
    const outer = tempDir()
    const root = join(outer, 'repo')
    mkdirSync(join(outer, 'elsewhere'), { recursive: true })
    mkdirSync(root)
    symlinkSync(join(outer, 'elsewhere'), join(root, 'link'))
    const config = (outside?: boolean) => ({
      projects: ['../elsewhere', 'link', outer].map((dir, i) => ({
        name: `p${i}`,
        tool: 'sql',
        dir,
        ...(outside === undefined ? {} : { outside }),
      })),
    })
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify(config()))
    const error = await loadConfig(root, undefined, tools).catch((e: unknown) => e as MigError)
    expect((error as MigError).details).toEqual([
      'projects[0].dir: "../elsewhere" is outside the repository, and mig would run its tool config (add "outside": true to this project if that is meant)',
      expect.stringMatching(/^projects\[1\]\.dir: "link" is outside the repository/),
      expect.stringMatching(/^projects\[2\]\.dir: ".*" is outside the repository/),
    ])
    writeFileSync(join(root, 'mig.config.json'), JSON.stringify(config(true)))
    expect((await loadConfig(root, undefined, tools)).config.projects?.map((p) => p.outside)).toEqual([true, true, true])
  })

  it('a JSON syntax error says file:line:column for each of the shapes of Node 20 messages', () => {
    const where = (text: string) => {
      try {
        JSON.parse(text)
      } catch (error) {
        return jsonErrorWhere('mig.config.json', (error as Error).message, text)
      }
      throw new Error('valid JSON')
    }
    expect(where('{\n  "a": 1,\n    "b" 2\n}')).toBe('mig.config.json:3:9: Unexpected number')
    expect(where('{ "projects": [ { "name": "app", } ] }')).toBe('mig.config.json:1:34: Expected double-quoted property name')
    expect(where('{"a": 1}\nx')).toBe('mig.config.json:2:1: Unexpected non-whitespace character after JSON')
    expect(where('{\n  "a": [\n')).toBe('mig.config.json:2:9: Unexpected end of JSON input')
    // Unexpected tokens: the whole text shown, the text from its start, around the token, to its end.
    expect(where('[1,]')).toBe("mig.config.json:1:4: Unexpected token ']'")
    expect(where('{"a": [1,]    ,  "bbbbbbbbbbbbbbbbbbbbbbbb": 2}')).toBe("mig.config.json:1:10: Unexpected token ']'")
    expect(where('{ "aaaaaaaaaaa": [1,] , "bbbbbbbbbbbbbbbbbbbbbbbbbbb": 2 }')).toBe("mig.config.json:1:21: Unexpected token ']'")
    expect(where('{\n  "projects": [\n    { "name": "app" },\n    ]\n}')).toBe("mig.config.json:4:5: Unexpected token ']'")
  })
})

describe('config files that cannot be read', () => {
  it('a --config path that does not exist is a usage error naming it', async () => {
    const root = tempDir()
    const error = (await loadConfig(root, 'nope.json', tools).catch((e: unknown) => e)) as MigError
    expect(error).toBeInstanceOf(MigError)
    expect([error.code, error.message, error.exit]).toEqual([
      'CONFIG_NOT_FOUND',
      `config file ${join(root, 'nope.json')} does not exist`,
      2,
    ])
    expect(error.hint).toMatch(/--config path/)
  })

  it('invalid JSON says file:line:column, with a hint', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'mig.config.json'), '{\n  "projects": [,]\n}')
    const error = (await loadConfig(root, undefined, tools).catch((e: unknown) => e)) as MigError
    expect([error.code, error.message]).toEqual([
      'CONFIG_JSON',
      "mig.config.json is not valid JSON: mig.config.json:2:16: Unexpected token ','",
    ])
    expect(error.hint).toMatch(/trailing comma/)
  })

  it('a config module that throws: its first line only, and how to see the rest', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'mig.config.mjs'), "throw new Error('boom\\nat a stack line')\n")
    const error = (await loadConfig(root, undefined, tools).catch((e: unknown) => e)) as MigError
    expect([error.code, error.message, error.hint]).toEqual([
      'CONFIG_LOAD',
      'mig.config.mjs failed to load: boom',
      'run `node mig.config.mjs` to see the full error',
    ])
  })
})
