import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationFolders } from '../../../../src/core/kit/folders.js'
import { tempDir } from '../../../helpers.js'

const layout = { up: 'migration.sql', down: 'down.sql', irreversibleHint: (id: string) => `write ${id}/down.sql` }

describe('migrationFolders', () => {
  it('lists the folders holding the up file, by name, each reversible when its down is there', () => {
    const dir = tempDir()
    const folder = (name: string, files: string[]) => {
      mkdirSync(join(dir, name), { recursive: true })
      for (const f of files) writeFileSync(join(dir, name, f), '')
    }
    folder('20240102000000_b', ['migration.sql'])
    folder('20240101000000_a', ['migration.sql', 'down.sql'])
    folder('20240103000000_no_up', ['down.sql'])
    writeFileSync(join(dir, 'migration_lock.toml'), 'provider = "sqlite"\n')
    folder('elsewhere/20240104000000_linked', ['migration.sql', 'down.sql'])
    symlinkSync(join(dir, 'elsewhere', '20240104000000_linked'), join(dir, '20240104000000_linked'))
    expect(migrationFolders(dir, layout)).toEqual([
      {
        id: '20240101000000_a',
        files: [join(dir, '20240101000000_a', 'migration.sql'), join(dir, '20240101000000_a', 'down.sql')],
        reversible: true,
      },
      {
        id: '20240102000000_b',
        files: [join(dir, '20240102000000_b', 'migration.sql')],
        reversible: false,
        irreversibleHint: 'write 20240102000000_b/down.sql',
      },
      {
        id: '20240104000000_linked',
        files: [join(dir, '20240104000000_linked', 'migration.sql'), join(dir, '20240104000000_linked', 'down.sql')],
        reversible: true,
      },
    ])
  })

  it('finds none while the folder does not exist', () => {
    expect(migrationFolders(join(tempDir(), 'nowhere'), layout)).toEqual([])
  })
})
