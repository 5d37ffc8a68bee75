import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationsDir, readMigrationFiles } from '../../../../src/adapters/sql/files.js'
import { tempDir } from '../../../helpers.js'

describe('sql migration files', () => {
  it('pairs up and down files and orders by version number, not by text', async () => {
    const dir = tempDir()
    for (const f of ['10_ten.up.sql', '9_nine.up.sql', '9_nine.down.sql', '20240101000000_stamp.up.sql', 'README.md', '002_x.sql'])
      writeFileSync(join(dir, f), '')
    const files = await readMigrationFiles('p', dir)
    expect(files.map((f) => [f.id, f.down !== undefined])).toEqual([
      ['9_nine', true],
      ['10_ten', false],
      ['20240101000000_stamp', false],
    ])
  })
  it('uses migrations/ when the project has one', () => {
    const dir = tempDir()
    expect(migrationsDir(dir)).toBe(dir)
    mkdirSync(join(dir, 'migrations'))
    expect(migrationsDir(dir)).toBe(join(dir, 'migrations'))
  })
})
