import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readLedgerTable } from '../../../../src/core/kit/index.js'
import { connect } from '../../../../src/db/connect.js'
import { targetFrom } from '../../../../src/db/url.js'
import { tempDir } from '../../../helpers.js'

describe('readLedgerTable', () => {
  it('reads nothing while the table does not exist, then its rows, its mixed-case names quoted (SQLite, in-process)', async () => {
    const db = await connect(targetFrom(`sqlite:${join(tempDir(), 'ledger.db')}`, '/'))
    try {
      const ledger = { table: 'SequelizeMeta', columns: ['name'], orderBy: 'name' }
      expect(await readLedgerTable(db, ledger)).toEqual([])
      await db.run('CREATE TABLE "SequelizeMeta" (name VARCHAR(255) PRIMARY KEY, "Extra" INTEGER)')
      await db.run('INSERT INTO "SequelizeMeta" (name, "Extra") VALUES (?, ?), (?, ?)', ['b.js', 2, 'a.js', 1])
      expect(await readLedgerTable(db, ledger)).toEqual([{ name: 'a.js' }, { name: 'b.js' }])
      expect(await readLedgerTable(db, { ...ledger, columns: ['name', 'Extra'] })).toEqual([
        { name: 'a.js', Extra: 1 },
        { name: 'b.js', Extra: 2 },
      ])
    } finally {
      await db.close()
    }
  })
})
