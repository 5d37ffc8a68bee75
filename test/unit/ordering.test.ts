import { describe, expect, it } from 'vitest'
import type { Migration } from '../../src/adapter.js'
import { mergeQueues, parseTimestamp } from '../../src/core/ordering.js'

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
    const merged = mergeQueues(
      [
        { project: 'a', items: [m('20240101000000_a1'), m('20240301000000_a2')] },
        { project: 'b', items: [m('1706745600000-B1'), m('20240401000000_b2')] },
      ],
      'up',
    )
    expect(ids(merged)).toEqual(['a:20240101000000_a1', 'b:1706745600000-B1', 'a:20240301000000_a2', 'b:20240401000000_b2'])
  })

  it('down takes the newest first', () => {
    const merged = mergeQueues(
      [
        { project: 'a', items: [m('20240301000000_a2'), m('20240101000000_a1')] },
        { project: 'b', items: [m('20240401000000_b2'), m('20240201000000_b1')] },
      ],
      'down',
    )
    expect(ids(merged)).toEqual(['b:20240401000000_b2', 'a:20240301000000_a2', 'b:20240201000000_b1', 'a:20240101000000_a1'])
  })

  it('ties and untimed ids follow project order', () => {
    const merged = mergeQueues(
      [
        { project: 'a', items: [m('001_a'), m('002_a')] },
        { project: 'b', items: [m('20240101000000_b')] },
        { project: 'c', items: [m('20240101000000_c')] },
      ],
      'up',
    )
    expect(ids(merged)).toEqual(['a:001_a', 'a:002_a', 'b:20240101000000_b', 'c:20240101000000_c'])
  })
})
