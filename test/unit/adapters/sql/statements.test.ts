import { describe, expect, it } from 'vitest'
import { splitStatements, wantsNoTransaction } from '../../../../src/adapters/sql/statements.js'

describe('splitStatements', () => {
  it('splits like the dialect client: quotes, dollar quotes, trigger bodies, comments', () => {
    expect(splitStatements("CREATE TABLE a (x text);\nINSERT INTO a VALUES ('a;b'); -- note;\n", 'postgres')).toEqual([
      'CREATE TABLE a (x text)',
      "INSERT INTO a VALUES ('a;b')",
    ])
    expect(splitStatements('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 2;', 'postgres')).toHaveLength(2)
    expect(splitStatements('CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; END;\nSELECT 1;', 'sqlite')).toHaveLength(2)
    expect(splitStatements('DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;', 'mysql')).toHaveLength(2)
  })
  it('sees the no-transaction directive only on its own line', () => {
    expect(wantsNoTransaction('-- mig:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);')).toBe(true)
    expect(wantsNoTransaction("SELECT '-- mig:no-transaction';")).toBe(false)
  })
})
