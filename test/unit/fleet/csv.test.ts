import { describe, expect, it } from 'vitest'
import { parseCsv } from '../../../src/fleet/csv.js'

describe('a CSV targets file', () => {
  it('a header row, quoted fields with commas and doubled quotes, CRLF, blank lines and a BOM', () => {
    const text = '\uFEFFName,URL\r\nacme,"postgres://u:p,w@h/acme"\r\n\r\n"glo""bex",sqlite:./g.db\n'
    expect(parseCsv(text)).toEqual([
      { name: 'acme', url: 'postgres://u:p,w@h/acme' },
      { name: 'glo"bex', url: 'sqlite:./g.db' },
    ])
  })

  it('a row with more fields than the header, or a quote left open, is an error', () => {
    expect(() => parseCsv('name,url\na,b,c\n')).toThrow(/row 1 has 3 fields, the header 2/)
    expect(() => parseCsv('name,url\na,"b\n')).toThrow(/not closed/)
  })

  it('a header alone is no rows', () => {
    expect(parseCsv('name,schema\n')).toEqual([])
  })
})
