import { describe, expect, it } from 'vitest'
import { bytes, table, width } from '../../../src/output/table.js'

describe('sizes as people read them', () => {
  it('B, KiB, MiB, GiB', () => {
    expect([812, 4300, 17 * 1024 * 1024, 1.03 * 1024 ** 3, 552 * 1024 ** 2].map(bytes)).toEqual([
      '812 B',
      '4.2 KiB',
      '17.0 MiB',
      '1.03 GiB',
      '552.0 MiB',
    ])
  })
})

/** Where each cell after the first starts, in terminal columns. */
const starts = (line: string, cells: string[]): number[] => cells.slice(1).map((cell) => width(line.slice(0, line.indexOf(cell))))

describe('columns as a terminal shows them', () => {
  it('wide (CJK) characters take two columns, colour codes and combining marks none', () => {
    expect(width('billing')).toBe(7)
    expect(width('请求项目')).toBe(8)
    expect(width('ｱﾌﾟﾘ')).toBe(4)
    expect(width('\x1b[31mFAILED\x1b[39m')).toBe(6)
    expect(width('café')).toBe(4)
    expect(width('cafe\u0301')).toBe(4)
    expect(width('한국어_앱')).toBe(9)
  })

  it('a CJK project or migration name keeps the status columns aligned', () => {
    const rows = [
      ['请求项目', 'sql', 'sqlite:./请求.db', 1, 0, 'up to date'],
      ['billing', 'knex', 'postgres://localhost/billing', 3, 2, '2 pending'],
      ['支払い', 'sql', 'sqlite:./x.db', 0, 1, '\x1b[33m1 pending\x1b[39m'],
    ]
    const lines = table(['project', 'tool', 'database', 'applied', 'pending', 'state'], rows).split('\n')
    const columns = lines.slice(1).map((line, i) => starts(line, rows[i]!.map(String)))
    expect(columns[0]).toEqual(columns[1])
    expect(columns[2]).toEqual(columns[1])
    expect(starts(lines[0]!, ['PROJECT', 'TOOL', 'DATABASE', 'APPLIED', 'PENDING', 'STATE'])).toEqual(columns[1])
    // The widest project cell is 请求项目 (8 columns): TOOL starts two columns after it.
    expect(columns[1]![0]).toBe(10)
  })
})
