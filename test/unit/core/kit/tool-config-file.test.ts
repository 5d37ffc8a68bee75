import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLoader, findConfigFile, loadConfigFile } from '../../../../src/core/kit/index.js'
import { MigError } from '../../../../src/output/errors.js'
import { tempDir } from '../../../helpers.js'

const projectIn = (dir: string, options: Record<string, unknown> = {}) => ({ name: 'users', tool: 'typeorm', dir, options })
const candidates = { candidates: ['data-source.ts', 'src/data-source.ts'], what: 'DataSource file', hint: 'add one' }

describe('findConfigFile', () => {
  it('takes the first candidate that exists, in order', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src', 'data-source.ts'), '')
    expect(findConfigFile(projectIn(dir), candidates)).toBe(join(dir, 'src', 'data-source.ts'))
    writeFileSync(join(dir, 'data-source.ts'), '')
    expect(findConfigFile(projectIn(dir), candidates)).toBe(join(dir, 'data-source.ts'))
  })
  it('takes the file the project option names over every candidate, and refuses one that does not exist', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'data-source.ts'), '')
    writeFileSync(join(dir, 'db.ts'), '')
    const options = { ...candidates, option: 'dataSource' }
    expect(findConfigFile(projectIn(dir, { dataSource: 'db.ts' }), options)).toBe(join(dir, 'db.ts'))
    expect(() => findConfigFile(projectIn(dir, { dataSource: 'gone.ts' }), options)).toThrow(
      expect.objectContaining({ code: 'TYPEORM_CONFIG_MISSING', message: expect.stringContaining('gone.ts') }),
    )
  })
  it('says where it looked when there is none', () => {
    const dir = tempDir()
    expect(() => findConfigFile(projectIn(dir), { ...candidates, option: 'dataSource' })).toThrow(
      expect.objectContaining({
        code: 'TYPEORM_CONFIG_MISSING',
        message: `users: no DataSource file in ${dir} (looked for data-source.ts, src/data-source.ts)`,
        hint: 'add one, or set projects[].options.dataSource in mig.config.json',
      }),
    )
  })
})

describe('loadConfigFile', () => {
  const load = (dir: string) => createLoader(join(dir, 'package.json'), { native: true })

  it('evaluates the file in `cwd`, calls a function export through `call`, and awaits what it gives', async () => {
    const dir = realpathSync(tempDir())
    writeFileSync(join(dir, 'a.js'), "module.exports = { cwd: process.cwd(), at: require('path').resolve('x') }\n")
    const before = process.cwd()
    expect(await loadConfigFile(projectIn(dir), join(dir, 'a.js'), load(dir), { cwd: dir, hint: 'h' })).toEqual({
      cwd: dir,
      at: join(dir, 'x'),
    })
    expect(process.cwd()).toBe(before)
    writeFileSync(join(dir, 'b.js'), 'module.exports = async () => ({ made: true })\n')
    expect(await loadConfigFile(projectIn(dir), join(dir, 'b.js'), load(dir), { call: true, hint: 'h' })).toEqual({ made: true })
    writeFileSync(join(dir, 'c.js'), 'module.exports = (cb) => setTimeout(() => cb(null, { viaCallback: true }), 1)\n')
    const viaCallback = (fn: (...args: unknown[]) => unknown) => new Promise((resolve) => fn((_: unknown, v: unknown) => resolve(v)))
    expect(await loadConfigFile(projectIn(dir), join(dir, 'c.js'), load(dir), { call: viaCallback, hint: 'h' })).toEqual({
      viaCallback: true,
    })
  })
  it('turns a failure into <TOOL>_CONFIG_LOAD with the first line and the hint, and puts the working directory back', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.js'), "throw new Error('boom\\nmore')\n")
    const before = process.cwd()
    const error = (await loadConfigFile(projectIn(dir), join(dir, 'bad.js'), load(dir), { cwd: dir, hint: 'run it' }).catch(
      (e: unknown) => e,
    )) as MigError
    expect(error).toMatchObject({
      code: 'TYPEORM_CONFIG_LOAD',
      message: `users: ${join(dir, 'bad.js')} failed to load: boom`,
      hint: 'run it',
    })
    expect(process.cwd()).toBe(before)
  })
  it('refuses a file that gives no object, and lets a MigError through as it is', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'n.js'), 'module.exports = 42\n')
    await expect(loadConfigFile(projectIn(dir), join(dir, 'n.js'), load(dir), { hint: 'h' })).rejects.toMatchObject({
      code: 'TYPEORM_CONFIG_LOAD',
      message: `users: ${join(dir, 'n.js')} gives no config`,
    })
    const own = new MigError('PRISMA_ENV', 'x')
    await expect(loadConfigFile(projectIn(dir), 'any', () => Promise.reject(own), { hint: 'h' })).rejects.toBe(own)
  })
})

describe('loadConfigFile, JSON and extensionless files', () => {
  it('parses JSON itself, and reads an extensionless file (.sequelizerc) as CommonJS', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'config.json'), '{ "development": { "dialect": "sqlite" } }\n')
    writeFileSync(join(dir, '.sequelizerc'), "module.exports = { config: 'db/config.json' }\n")
    const load = createLoader(join(dir, 'package.json'), { native: true })
    expect(await loadConfigFile(projectIn(dir), join(dir, 'config.json'), load, { hint: 'h' })).toEqual({
      development: { dialect: 'sqlite' },
    })
    expect(await loadConfigFile(projectIn(dir), join(dir, '.sequelizerc'), load, { hint: 'h' })).toEqual({ config: 'db/config.json' })
    writeFileSync(join(dir, 'broken.json'), '{ nope')
    await expect(loadConfigFile(projectIn(dir), join(dir, 'broken.json'), load, { hint: 'h' })).rejects.toMatchObject({
      code: 'TYPEORM_CONFIG_LOAD',
    })
  })
})
