import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { quoteName } from '../../../../src/core/kit/quote.js'
import { connect } from '../../../../src/db/connect.js'
import { parseDatabaseUrl } from '../../../../src/db/url.js'
import { tempDir } from '../../../helpers.js'

describe('quoteName', () => {
  it('quotes as each dialect does, doubling the quote inside, schema first when given', () => {
    expect(quoteName('postgres', '_prisma_migrations')).toBe('"_prisma_migrations"')
    expect(quoteName('sqlite', 'SequelizeMeta')).toBe('"SequelizeMeta"')
    expect(quoteName('mysql', 'knex_migrations')).toBe('`knex_migrations`')
    expect(quoteName('postgres', 'knex_migrations', 'app')).toBe('"app"."knex_migrations"')
    expect(quoteName('postgres', 'we"ird')).toBe('"we""ird"')
    expect(quoteName('mysql', 'we`ird', 'a`b')).toBe('`a``b`.`we``ird`')
  })

  it('names the table the database knows, case and quotes kept (SQLite)', async () => {
    const db = await connect(parseDatabaseUrl(`sqlite:${join(tempDir(), 'quote.db')}`, '/'))
    try {
      await db.run(`CREATE TABLE ${quoteName('sqlite', 'Odd"Name')} (id INTEGER)`)
      expect(await db.tableExists('Odd"Name')).toBe(true)
      await db.run(`INSERT INTO ${quoteName('sqlite', 'Odd"Name')} (id) VALUES (1)`)
      expect(await db.query(`SELECT id FROM ${quoteName('sqlite', 'Odd"Name')}`)).toEqual([{ id: 1 }])
    } finally {
      await db.close()
    }
  })
})
