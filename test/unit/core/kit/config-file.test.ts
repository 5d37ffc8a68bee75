import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findConfigFile, loadConfigFile } from '../../../../src/core/kit/config-file.js'
import { MigError } from '../../../../src/output/errors.js'
import { withProjectEnv } from '../../../../src/core/project-env.js'
import { tempDir } from '../../../helpers.js'

const typeorm = (dir: string) => ({ name: 'users', tool: 'typeorm', dir })
const missing = { what: 'DataSource file', hint: 'add one', option: 'dataSource' }

describe('findConfigFile', () => {
  it('takes the configured file whether or not it exists, else the first of the names that exists', () => {
    const dir = tempDir()
    const knex = { name: 'jobs', tool: 'knex', dir }
    writeFileSync(join(dir, 'knexfile.ts'), '')
    writeFileSync(join(dir, 'knexfile.mjs'), '')
    expect(findConfigFile(knex, ['knexfile.js', 'knexfile.mjs', 'knexfile.ts'])).toBe(join(dir, 'knexfile.mjs'))
    expect(findConfigFile(knex, ['knexfile.js'])).toBeUndefined()
    expect(findConfigFile(knex, ['knexfile.ts'], 'config/knex.js')).toBe(join(dir, 'config', 'knex.js'))
    expect(findConfigFile(knex, ['knexfile.ts'], 42)).toBe(join(dir, 'knexfile.ts'))
  })
  it('takes names in order, relative or absolute', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src', 'data-source.ts'), '')
    expect(findConfigFile(typeorm(dir), ['data-source.ts', 'src/data-source.ts'])).toBe(join(dir, 'src', 'data-source.ts'))
    writeFileSync(join(dir, 'data-source.ts'), '')
    expect(findConfigFile(typeorm(dir), ['data-source.ts', 'src/data-source.ts'])).toBe(join(dir, 'data-source.ts'))
    expect(findConfigFile(typeorm(dir), [join(dir, 'src', 'data-source.ts')])).toBe(join(dir, 'src', 'data-source.ts'))
  })
  it('with `missing`, refuses a configured file that does not exist with <TOOL>_CONFIG_MISSING', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'db.ts'), '')
    expect(findConfigFile(typeorm(dir), ['data-source.ts'], 'db.ts', missing)).toBe(join(dir, 'db.ts'))
    expect(() => findConfigFile(typeorm(dir), ['data-source.ts'], 'gone.ts', missing)).toThrow(
      expect.objectContaining({ code: 'TYPEORM_CONFIG_MISSING', message: expect.stringContaining('gone.ts') }),
    )
  })
  it('with `missing`, says where it looked when there is none', () => {
    const dir = tempDir()
    expect(() => findConfigFile(typeorm(dir), ['data-source.ts', 'src/data-source.ts'], undefined, missing)).toThrow(
      expect.objectContaining({
        code: 'TYPEORM_CONFIG_MISSING',
        message: `users: no DataSource file in ${dir} (looked for data-source.ts, src/data-source.ts)`,
        hint: 'add one, or set projects[].options.dataSource in mig.config.json',
      }),
    )
  })
})

describe('loadConfigFile', () => {
  const project = (dir: string) => ({ name: 'jobs', tool: 'knex', dir })
  it('loads the default export; with call, calls an exported function and waits for its promise', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'plain.ts'), 'const c: { client: string } = { client: "pg" }\nexport default c\n')
    writeFileSync(join(dir, 'fn.cjs'), 'module.exports = async () => ({ client: "sqlite3" })\n')
    expect(await loadConfigFile(project(dir), join(dir, 'plain.ts'), { code: 'X', hint: '' })).toEqual({ client: 'pg' })
    const options = { code: 'X', hint: '', call: true, load: { native: true } }
    expect(await loadConfigFile(project(dir), join(dir, 'fn.cjs'), options)).toEqual({ client: 'sqlite3' })
  })
  it("turns a failure into one MigError: the project, the file and the error's first line, the hint, the cause kept", async () => {
    const dir = tempDir()
    const file = join(dir, 'knexfile.js')
    writeFileSync(file, 'throw new Error("no such host\\n    at somewhere")\n')
    const error = await loadConfigFile(project(dir), file, { code: 'KNEXFILE_LOAD', hint: 'run knex', load: { native: true } }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MigError)
    expect(error).toMatchObject({ code: 'KNEXFILE_LOAD', message: `jobs: ${file} failed to load: no such host`, hint: 'run knex' })
    expect((error as MigError).cause).toBeInstanceOf(Error)
    const hinted = loadConfigFile(project(dir), file, { code: 'C', hint: (message) => `because ${message}`, load: { native: true } })
    await expect(hinted).rejects.toMatchObject({ hint: 'because no such host' })
  })
  it('passes a MigError the evaluation threw through unchanged', async () => {
    const dir = tempDir()
    const file = join(dir, 'prisma.config.ts')
    writeFileSync(file, "import { env } from 'prisma/config'\nexport default { url: env('DATABASE_URL') }\n")
    const own = new MigError('PRISMA_ENV', 'DATABASE_URL is not set')
    const env = () => {
      throw own
    }
    const loading = loadConfigFile(project(dir), file, {
      code: 'PRISMA_CONFIG',
      hint: '',
      load: { virtualModules: { 'prisma/config': { env } } },
    })
    await expect(loading).rejects.toBe(own)
  })
  it('evaluates the file in `cwd`, calls a function export through `call`, and puts the working directory back', async () => {
    const dir = realpathSync(tempDir())
    const load = { native: true }
    writeFileSync(join(dir, 'a.js'), "module.exports = { cwd: process.cwd(), at: require('path').resolve('x') }\n")
    const before = process.cwd()
    expect(await loadConfigFile(typeorm(dir), join(dir, 'a.js'), { cwd: dir, hint: 'h', load })).toEqual({ cwd: dir, at: join(dir, 'x') })
    expect(process.cwd()).toBe(before)
    writeFileSync(join(dir, 'c.js'), 'module.exports = (cb) => setTimeout(() => cb(null, { viaCallback: true }), 1)\n')
    const viaCallback = (fn: (...args: unknown[]) => unknown) => new Promise((resolve) => fn((_: unknown, v: unknown) => resolve(v)))
    expect(await loadConfigFile(typeorm(dir), join(dir, 'c.js'), { call: viaCallback, hint: 'h', load })).toEqual({ viaCallback: true })
    writeFileSync(join(dir, 'bad.js'), "throw new Error('boom\\nmore')\n")
    await expect(loadConfigFile(typeorm(dir), join(dir, 'bad.js'), { cwd: dir, hint: 'run it', load })).rejects.toMatchObject({
      code: 'TYPEORM_CONFIG_LOAD',
      message: `users: ${join(dir, 'bad.js')} failed to load: boom`,
      hint: 'run it',
    })
    expect(process.cwd()).toBe(before)
  })
  it("parses JSON itself, reads an extensionless file (.sequelizerc) as CommonJS, and takes the adapter's loader", async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'config.json'), '{ "development": { "dialect": "sqlite" } }\n')
    writeFileSync(join(dir, '.sequelizerc'), "module.exports = { config: 'db/config.json' }\n")
    expect(await loadConfigFile(typeorm(dir), join(dir, 'config.json'), { hint: 'h' })).toEqual({ development: { dialect: 'sqlite' } })
    expect(await loadConfigFile(typeorm(dir), join(dir, '.sequelizerc'), { hint: 'h', load: { native: true } })).toEqual({
      config: 'db/config.json',
    })
    writeFileSync(join(dir, 'broken.json'), '{ nope')
    await expect(loadConfigFile(typeorm(dir), join(dir, 'broken.json'), { hint: 'h' })).rejects.toMatchObject({
      code: 'TYPEORM_CONFIG_LOAD',
    })
    const own = new MigError('PRISMA_ENV', 'x')
    await expect(loadConfigFile(typeorm(dir), 'any', { hint: 'h', loader: () => Promise.reject(own) })).rejects.toBe(own)
  })
})

describe('loadConfigFile, side by side', () => {
  it("inside withProjectEnv (as adapters call it), evaluates each config in its own `cwd` when several load at once (a fleet's targets), and restores the process's", async () => {
    const before = process.cwd()
    const dirs = [tempDir(), tempDir(), tempDir()].map((d) => realpathSync(d))
    for (const dir of dirs)
      writeFileSync(
        join(dir, 'config.cjs'),
        'module.exports = async () => { await new Promise((r) => setTimeout(r, 20)); return process.cwd() }\n',
      )
    const seen = await Promise.all(
      dirs.map((dir) =>
        withProjectEnv(dir, () =>
          loadConfigFile({ name: 'users', tool: 'sequelize', dir }, join(dir, 'config.cjs'), { hint: 'h', cwd: dir, call: true, load: {} }),
        ),
      ),
    )
    expect(seen).toEqual(dirs)
    expect(process.cwd()).toBe(before)
  })
})
