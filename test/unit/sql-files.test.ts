import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrationsDir, readMigrationFiles } from '../../src/adapters/sql/files.js'
import { splitStatements, wantsNoTransaction } from '../../src/adapters/sql/statements.js'
import { tempDir } from '../helpers.js'

describe('sql migration files', () => {
  it('pairs up and down files and orders by version number, not by text', async () => {
    const dir = tempDir()
    for (const f of ['10_ten.up.sql', '9_nine.up.sql', '9_nine.down.sql', '20240101000000_stamp.up.sql', 'README.md', '002_x.sql']) writeFileSync(join(dir, f), '')
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

describe('splitStatements', () => {
  it('splits like the dialect client: quotes, dollar quotes, trigger bodies, comments', () => {
    expect(splitStatements("CREATE TABLE a (x text);\nINSERT INTO a VALUES ('a;b'); -- note;\n", 'postgres')).toEqual(['CREATE TABLE a (x text)', "INSERT INTO a VALUES ('a;b')"])
    expect(splitStatements('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 2;', 'postgres')).toHaveLength(2)
    expect(splitStatements('CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; END;\nSELECT 1;', 'sqlite')).toHaveLength(2)
    expect(splitStatements('DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;', 'mysql')).toHaveLength(2)
  })
  it('sees the no-transaction directive only on its own line', () => {
    expect(wantsNoTransaction('-- mig:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);')).toBe(true)
    expect(wantsNoTransaction("SELECT '-- mig:no-transaction';")).toBe(false)
  })
})
