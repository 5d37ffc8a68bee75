import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findConfigFile, loadConfigFile } from '../../../../src/core/kit/config-file.js'
import { MigError } from '../../../../src/output/errors.js'
import { tempDir } from '../../../helpers.js'

describe('findConfigFile', () => {
  it('takes the configured file whether or not it exists, else the first of the names that exists', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'knexfile.ts'), '')
    writeFileSync(join(dir, 'knexfile.mjs'), '')
    expect(findConfigFile(dir, ['knexfile.js', 'knexfile.mjs', 'knexfile.ts'])).toBe(join(dir, 'knexfile.mjs'))
    expect(findConfigFile(dir, ['knexfile.js'])).toBeUndefined()
    expect(findConfigFile(dir, ['knexfile.ts'], 'config/knex.js')).toBe(join(dir, 'config', 'knex.js'))
    expect(findConfigFile(dir, ['knexfile.ts'], 42)).toBe(join(dir, 'knexfile.ts'))
  })
})

describe('loadConfigFile', () => {
  const project = (dir: string) => ({ name: 'jobs', dir })
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
})
