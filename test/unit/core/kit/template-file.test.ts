import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFromTemplate } from '../../../../src/core/kit/index.js'
import { tempDir } from '../../../helpers.js'

describe('writeFromTemplate', () => {
  const setup = () => {
    const root = tempDir()
    const builtIn = join(root, 'templates')
    mkdirSync(builtIn)
    writeFileSync(join(builtIn, 'blank.ts.txt'), 'export class {{className}} {}\n')
    const dir = join(root, 'app')
    mkdirSync(dir)
    return { builtIn, dir, project: { name: 'app', tool: 'typeorm', dir, options: {} } }
  }

  it("renders `<name><the file's extension>.txt` and writes it as a new file, its folder made", async () => {
    const { builtIn, dir, project } = setup()
    const file = join(dir, 'src', 'migrations', '1700000000000-AddUsers.ts')
    expect(await writeFromTemplate(project, file, { builtIn, name: 'blank', vars: { className: 'AddUsers1700000000000' } })).toBe(file)
    expect(readFileSync(file, 'utf8')).toBe('export class AddUsers1700000000000 {}\n')
  })
  it("takes the project's own template first, and an explicit template file", async () => {
    const { builtIn, dir, project } = setup()
    mkdirSync(join(dir, '.mig', 'templates', 'typeorm'), { recursive: true })
    writeFileSync(join(dir, '.mig', 'templates', 'typeorm', 'blank.ts.txt'), '// ours {{className}}\n')
    writeFileSync(join(builtIn, 'blank.esm.txt'), '// esm\n')
    await writeFromTemplate(project, join(dir, 'a.ts'), { builtIn, name: 'blank', vars: { className: 'A' } })
    expect(readFileSync(join(dir, 'a.ts'), 'utf8')).toBe('// ours A\n')
    await writeFromTemplate(project, join(dir, 'b.js'), { builtIn, name: 'blank', file: 'blank.esm.txt', vars: {} })
    expect(readFileSync(join(dir, 'b.js'), 'utf8')).toBe('// esm\n')
  })
  it('never overwrites a migration', async () => {
    const { builtIn, dir, project } = setup()
    writeFileSync(join(dir, 'x.ts'), 'mine\n')
    await expect(writeFromTemplate(project, join(dir, 'x.ts'), { builtIn, name: 'blank', vars: { className: 'X' } })).rejects.toMatchObject(
      {
        code: 'MIGRATION_EXISTS',
      },
    )
    expect(readFileSync(join(dir, 'x.ts'), 'utf8')).toBe('mine\n')
  })
})
