import { describe, expect, it } from 'vitest'
import { mergeLedger } from '../../../../src/core/kit/ledger.js'

const name = (id: string) => id.replace(/^\d+_/, '')

describe('mergeLedger with failed rows and drift (Prisma)', () => {
  const disk = [
    { id: '001_a', files: ['/m/001_a/migration.sql', '/m/001_a/down.sql'] },
    { id: '002_b', files: ['/m/002_b/migration.sql'], reversible: false, irreversibleHint: 'write /m/002_b/down.sql' },
    { id: '003_c', files: ['/m/003_c/migration.sql'], reversible: false, irreversibleHint: 'write /m/003_c/down.sql' },
    { id: '004_d', files: ['/m/004_d/migration.sql'], reversible: false, irreversibleHint: 'write /m/004_d/down.sql' },
    { id: '005_e', files: ['/m/005_e/migration.sql', '/m/005_e/down.sql'], irreversibleHint: 'never shown: it has a down' },
  ]

  it('puts a failed row after the applied ones, reversible without a down; drift only on an applied migration; hints only where there is no down', () => {
    const list = mergeLedger(
      [
        { id: '003_c', appliedAt: '2024-01-03T00:00:00.000Z', failed: true, drift: true },
        { id: '001_a', appliedAt: '2024-01-01T00:00:00.000Z', drift: true },
        { id: '002_b', appliedAt: '2024-01-02T00:00:00.000Z' },
        { id: '000_gone', appliedAt: '2023-12-31T00:00:00.000Z', drift: true },
      ],
      disk,
      name,
    )
    expect(list).toEqual([
      {
        id: '001_a',
        name: 'a',
        files: disk[0]!.files,
        state: 'applied',
        appliedAt: '2024-01-01T00:00:00.000Z',
        reversible: true,
        drift: true,
      },
      {
        id: '002_b',
        name: 'b',
        files: disk[1]!.files,
        state: 'applied',
        appliedAt: '2024-01-02T00:00:00.000Z',
        reversible: false,
        irreversibleHint: 'write /m/002_b/down.sql',
      },
      { id: '000_gone', name: 'gone', files: [], state: 'missing', appliedAt: '2023-12-31T00:00:00.000Z', reversible: false },
      { id: '003_c', name: 'c', files: disk[2]!.files, state: 'failed', appliedAt: '2024-01-03T00:00:00.000Z', reversible: true },
      { id: '004_d', name: 'd', files: disk[3]!.files, state: 'pending', reversible: false, irreversibleHint: 'write /m/004_d/down.sql' },
      { id: '005_e', name: 'e', files: disk[4]!.files, state: 'pending', reversible: true },
    ])
    // toEqual ignores undefined properties: say outright which keys are there.
    expect(Object.keys(list[3]!)).not.toContain('drift')
    expect(Object.keys(list[3]!)).not.toContain('irreversibleHint')
    expect(Object.keys(list[5]!)).not.toContain('irreversibleHint')
    expect(Object.keys(list[2]!)).not.toContain('drift')
  })

  it('a failed row whose folder is gone is still failed, with no files', () => {
    const [failed] = mergeLedger([{ id: '009_x', failed: true }], [], name)
    expect(failed).toEqual({ id: '009_x', name: 'x', files: [], state: 'failed', reversible: true })
  })
})
