import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeNewMigration } from '../../../../src/core/kit/new-migration.js'
import { tempDir } from '../../../helpers.js'

function setUp() {
  const dir = tempDir()
  const builtIn = join(dir, 'plugin-templates')
  mkdirSync(builtIn)
  writeFileSync(join(builtIn, 'create-table.migration.sql'), 'CREATE TABLE {{table}} (id INTEGER);\n')
  writeFileSync(join(builtIn, 'create-table.down.sql'), 'DROP TABLE {{table}};\n')
  writeFileSync(join(builtIn, 'blank.migration.sql'), '-- up\n')
  return { project: { tool: 'prisma', dir }, builtIn, out: join(dir, 'prisma', 'migrations', '20240101000000_orders') }
}
const files = (out: string, name: string) => [
  { path: join(out, 'migration.sql'), template: `${name}.migration.sql` },
  { path: join(out, 'down.sql'), template: `${name}.down.sql` },
]

describe('writeNewMigration', () => {
  it("renders each file from the project's own template first, else the plugin's, and writes them in a new folder", async () => {
    const { project, builtIn, out } = setUp()
    mkdirSync(join(project.dir, '.mig', 'templates', 'prisma'), { recursive: true })
    writeFileSync(join(project.dir, '.mig', 'templates', 'prisma', 'create-table.down.sql'), 'DROP TABLE IF EXISTS {{table}};\n')
    const written = await writeNewMigration(project, {
      builtIn,
      name: 'create-table',
      vars: { table: 'orders' },
      files: files(out, 'create-table'),
    })
    expect(written).toEqual([join(out, 'migration.sql'), join(out, 'down.sql')])
    expect(readFileSync(written[0]!, 'utf8')).toBe('CREATE TABLE orders (id INTEGER);\n')
    expect(readFileSync(written[1]!, 'utf8')).toBe('DROP TABLE IF EXISTS orders;\n')
  })
  it('writes given texts as they are', async () => {
    const { project, builtIn, out } = setUp()
    const path = join(out, 'migration.sql')
    expect(await writeNewMigration(project, { builtIn, name: 'x', vars: {}, files: [{ path, text: 'SELECT 1;\n' }] })).toEqual([path])
    expect(readFileSync(path, 'utf8')).toBe('SELECT 1;\n')
  })
  it('writes nothing when one of the files has no template, or misses a variable', async () => {
    const { project, builtIn, out } = setUp()
    await expect(writeNewMigration(project, { builtIn, name: 'blank', vars: {}, files: files(out, 'blank') })).rejects.toMatchObject({
      code: 'TEMPLATE_UNKNOWN',
    })
    await expect(
      writeNewMigration(project, { builtIn, name: 'create-table', vars: {}, files: files(out, 'create-table') }),
    ).rejects.toMatchObject({ code: 'TEMPLATE_VAR' })
    expect(existsSync(out)).toBe(false)
  })
  it('never overwrites a file', async () => {
    const { project, builtIn, out } = setUp()
    const request = { builtIn, name: 'create-table', vars: { table: 'orders' }, files: files(out, 'create-table') }
    await writeNewMigration(project, request)
    await expect(writeNewMigration(project, { ...request, vars: { table: 'other' } })).rejects.toMatchObject({ code: 'MIGRATION_EXISTS' })
    expect(readFileSync(join(out, 'migration.sql'), 'utf8')).toBe('CREATE TABLE orders (id INTEGER);\n')
  })
})

describe('writeNewMigration, the template named after the file', () => {
  it("renders `<name><the file's extension>.txt` and writes it as a new file, its folder made", async () => {
    const dir = tempDir()
    const builtIn = join(dir, 'templates')
    mkdirSync(builtIn)
    writeFileSync(join(builtIn, 'blank.ts.txt'), 'export class {{className}} {}\n')
    const file = join(dir, 'src', 'migrations', '1700000000000-AddUsers.ts')
    const vars = { className: 'AddUsers1700000000000' }
    expect(await writeNewMigration({ tool: 'typeorm', dir }, { builtIn, name: 'blank', vars, files: [{ path: file }] })).toEqual([file])
    expect(readFileSync(file, 'utf8')).toBe('export class AddUsers1700000000000 {}\n')
  })
})
