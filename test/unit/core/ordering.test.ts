import { describe, expect, it } from 'vitest'
import type { Migration } from '../../../src/adapter.js'
import { type AppliedTime, type Placed, mergeApplied, mergeQueues, parseTimestamp } from '../../../src/core/ordering.js'

const m = (id: string): Migration => ({ id, name: id, files: [], state: 'pending', reversible: true })

describe('parseTimestamp', () => {
  it('reads 14-digit YYYYMMDDHHMMSS ids (knex, sequelize, prisma)', () => {
    expect(parseTimestamp('20240102030405_create_users.js')).toBe('20240102030405000')
    expect(parseTimestamp('20240102030405-create-users.js')).toBe('20240102030405000')
  })
  it('reads 13-digit epoch-ms ids (TypeORM file names and class names)', () => {
    expect(parseTimestamp('1704164645123-CreateUsers')).toBe('20240102030405123')
    expect(parseTimestamp('CreateUsers1704164645123')).toBe('20240102030405123')
  })
  it('leaves sequence numbers and impossible dates untimed', () => {
    expect(parseTimestamp('001_create_users')).toBeUndefined()
    expect(parseTimestamp('20241399000000_x')).toBeUndefined()
    expect(parseTimestamp('create_users')).toBeUndefined()
  })
})

describe('mergeQueues', () => {
  const ids = (r: ReturnType<typeof mergeQueues>) => r.map((x) => `${x.project}:${x.migration.id}`)

  it('interleaves projects by timestamp, oldest first, keeping each project in its own order', () => {
    const merged = mergeQueues([
      { project: 'a', items: [m('20240101000000_a1'), m('20240301000000_a2')] },
      { project: 'b', items: [m('1706745600000-B1'), m('20240401000000_b2')] },
    ])
    expect(ids(merged)).toEqual(['a:20240101000000_a1', 'b:1706745600000-B1', 'a:20240301000000_a2', 'b:20240401000000_b2'])
  })

  it('untimed ids wait behind timed ones; ties and untimed ids follow project order', () => {
    const merged = mergeQueues([
      { project: 'a', items: [m('001_a'), m('002_a')] },
      { project: 'b', items: [m('20240101000000_b')] },
      { project: 'c', items: [m('20240101000000_c')] },
    ])
    expect(ids(merged)).toEqual(['b:20240101000000_b', 'c:20240101000000_c', 'a:001_a', 'a:002_a'])
  })

  it('an untimed id never jumps ahead, whichever project comes first', () => {
    const merged = mergeQueues([
      { project: 'a', items: [m('20250101000000_a')] },
      { project: 'many', items: [m('300_t300'), m('301_t301')] },
      { project: 'b', items: [m('20240101000000_b')] },
    ])
    expect(ids(merged)).toEqual(['b:20240101000000_b', 'a:20250101000000_a', 'many:300_t300', 'many:301_t301'])
  })

  it("keeps a project's own order when its untimed migration comes before its timed ones", () => {
    const merged = mergeQueues([
      { project: 'a', items: [m('001_a'), m('20240101000000_a')] },
      { project: 'b', items: [m('20250101000000_b')] },
    ])
    expect(ids(merged)).toEqual(['b:20250101000000_b', 'a:001_a', 'a:20240101000000_a'])
  })
})

describe('mergeApplied (global down: the reverse of application order)', () => {
  const ids = (r: Placed[]) => r.map((x) => `${x.project}:${x.migration.id}`)
  const at = (iso: string, seq?: AppliedTime['seq']): AppliedTime => ({
    from: Date.parse(iso),
    to: Date.parse(iso),
    ...(seq ? { seq } : {}),
  })
  const timeline = (times: Record<string, AppliedTime | undefined>) => (p: Placed) => times[p.migration.id]

  it('takes the migration applied last, whatever its id timestamp says', () => {
    const { steps, unknown } = mergeApplied(
      [
        { project: 'accounts', items: [m('20250301000000-add-name.js')] },
        { project: 'orders', items: [m('20250101000000_create_orders.js')] },
      ],
      timeline({
        '20250301000000-add-name.js': at('2025-03-02T00:00:00.000Z'),
        '20250101000000_create_orders.js': at('2025-06-01T00:00:00.123Z'),
      }),
      1,
    )
    expect(unknown).toBeUndefined()
    expect(ids(steps)).toEqual(['orders:20250101000000_create_orders.js'])
  })

  it('interleaves projects newest first, keeping each project in its own order', () => {
    const { steps } = mergeApplied(
      [
        { project: 'a', items: [m('20240301000000_a2'), m('20240101000000_a1')] },
        { project: 'b', items: [m('20240401000000_b2'), m('20240201000000_b1')] },
      ],
      timeline({
        '20240101000000_a1': at('2024-05-01T00:00:00.001Z'),
        '20240201000000_b1': at('2024-05-01T00:00:00.002Z'),
        '20240301000000_a2': at('2024-05-01T00:00:00.003Z'),
        '20240401000000_b2': at('2024-05-01T00:00:00.004Z'),
      }),
      Infinity,
    )
    expect(ids(steps)).toEqual(['b:20240401000000_b2', 'a:20240301000000_a2', 'b:20240201000000_b1', 'a:20240101000000_a1'])
  })

  it('refuses when a candidate has no known time, naming every candidate', () => {
    const { steps, unknown } = mergeApplied(
      [
        { project: 'a', items: [m('20240101000000_a')] },
        { project: 'many', items: [m('300_t300')] },
      ],
      timeline({ '20240101000000_a': at('2024-05-01T00:00:00.000Z') }),
      1,
    )
    expect(steps).toEqual([])
    expect(ids(unknown!.untimed)).toEqual(['many:300_t300'])
    expect(ids(unknown!.candidates)).toEqual(['a:20240101000000_a', 'many:300_t300'])
  })

  it('needs no time when only one project has anything applied', () => {
    const { steps, unknown } = mergeApplied(
      [
        { project: 'a', items: [] },
        { project: 'many', items: [m('300_t300'), m('200_t200')] },
      ],
      () => undefined,
      2,
    )
    expect(unknown).toBeUndefined()
    expect(ids(steps)).toEqual(['many:300_t300', 'many:200_t200'])
  })

  it('refuses times it cannot tell apart (a ledger that keeps whole seconds)', () => {
    const second = Date.parse('2024-05-01T00:00:01.000Z')
    const { unknown } = mergeApplied(
      [
        { project: 'a', items: [m('20240101000000_a')] },
        { project: 'b', items: [m('20240201000000_b')] },
      ],
      timeline({ '20240101000000_a': { from: second, to: second + 999 }, '20240201000000_b': at('2024-05-01T00:00:01.500Z') }),
      1,
    )
    expect(unknown?.untimed).toEqual([])
  })

  it('the same millisecond: the later journal row when they share a journal, else the reverse of up order', () => {
    const when = '2024-05-01T00:00:00.000Z'
    const queues = [
      { project: 'a', items: [m('20240301000000_a')] },
      { project: 'b', items: [m('20240201000000_b')] },
    ]
    const shared = mergeApplied(
      queues,
      timeline({ '20240301000000_a': at(when, { database: 'x', n: 1 }), '20240201000000_b': at(when, { database: 'x', n: 2 }) }),
      1,
    )
    expect(ids(shared.steps)).toEqual(['b:20240201000000_b'])
    const apart = mergeApplied(
      queues,
      timeline({ '20240301000000_a': at(when, { database: 'x', n: 1 }), '20240201000000_b': at(when, { database: 'y', n: 2 }) }),
      1,
    )
    expect(ids(apart.steps)).toEqual(['a:20240301000000_a'])
  })
})
