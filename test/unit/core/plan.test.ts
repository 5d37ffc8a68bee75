import { describe, expect, it } from 'vitest'
import type { Migration, MigrationState } from '../../../src/adapter.js'
import type { Project } from '../../../src/config/projects.js'
import type { JournalEntry } from '../../../src/core/journal.js'
import { type Journals, type Selection, plan } from '../../../src/core/lifecycle.js'
import { MigError } from '../../../src/output/errors.js'

const project = (name: string): Project => ({ name, tool: 'sql', dir: `/repo/${name}`, relDir: name, options: {}, adapter: undefined })
const m = (id: string, state: MigrationState, extra: Partial<Migration> = {}): Migration => ({
  id,
  name: id,
  files: [],
  state,
  reversible: true,
  ...extra,
})
const [a, b] = [project('a'), project('b')]

/** What plan() picks, as `project:id`, from the lists each project's adapter returned. */
function steps(
  lists: Record<string, Migration[]>,
  direction: 'up' | 'down',
  selection: Selection,
  journals: Journals = new Map(),
): string[] {
  const projects = [a, b].filter((p) => lists[p.name])
  return plan(projects, new Map(Object.entries(lists)), journals, { direction, selection }).map(
    (s) => `${s.project.name}:${s.migration.id}`,
  )
}

function refused(fn: () => unknown): MigError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(MigError)
    return error as MigError
  }
  throw new Error('plan() did not refuse')
}

const journalUp = (project: string, migration: string, startedAt: string, n: number, outcome: JournalEntry['outcome'] = 'ok') => ({
  database: 'db',
  n,
  entry: {
    project,
    tool: 'sql',
    migration,
    direction: 'up',
    checksum: null,
    actor: 't',
    startedAt,
    durationMs: 10,
    outcome,
    error: null,
    backupId: null,
    note: null,
  } as JournalEntry,
})

describe('plan: up', () => {
  const lists = {
    a: [m('20240101000000_a1', 'applied'), m('20240301000000_a2', 'pending'), m('20240501000000_a3', 'pending')],
    b: [m('20240201000000_b1', 'pending'), m('20240401000000_b2', 'pending')],
  }

  it('takes only pending migrations, across projects oldest first; --one and --step cut that order', () => {
    expect(steps(lists, 'up', { kind: 'all' })).toEqual([
      'b:20240201000000_b1',
      'a:20240301000000_a2',
      'b:20240401000000_b2',
      'a:20240501000000_a3',
    ])
    expect(steps(lists, 'up', { kind: 'one' })).toEqual(['b:20240201000000_b1'])
    expect(steps(lists, 'up', { kind: 'step', n: 3 })).toEqual(['b:20240201000000_b1', 'a:20240301000000_a2', 'b:20240401000000_b2'])
  })

  it('--to is inclusive, stays in its project, matches an id without its extension, and is empty when already applied', () => {
    expect(steps(lists, 'up', { kind: 'to', id: '20240301000000_a2' })).toEqual(['a:20240301000000_a2'])
    expect(steps(lists, 'up', { kind: 'to', id: '20240501000000_a3' })).toEqual(['a:20240301000000_a2', 'a:20240501000000_a3'])
    expect(steps({ a: [m('20240101000000_x.js', 'pending')] }, 'up', { kind: 'to', id: '20240101000000_x' })).toEqual([
      'a:20240101000000_x.js',
    ])
    expect(steps(lists, 'up', { kind: 'to', id: '20240101000000_a1' })).toEqual([])
  })

  it('--to refuses an id no project has, or that several have', () => {
    expect(refused(() => steps(lists, 'up', { kind: 'to', id: 'nope' })).code).toBe('MIGRATION_UNKNOWN')
    const both = { a: [m('001_same', 'pending')], b: [m('001_same', 'pending')] }
    const error = refused(() => steps(both, 'up', { kind: 'to', id: '001_same' }))
    expect([error.code, error.message]).toEqual(['MIGRATION_AMBIGUOUS', 'migration "001_same" exists in several projects: a, b'])
  })
})

describe('plan: down', () => {
  it('takes applied, missing and failed migrations of one project newest first; --to is exclusive', () => {
    const list = [m('001_a', 'applied'), m('002_b', 'missing'), m('003_c', 'failed'), m('004_d', 'pending')]
    expect(steps({ a: list }, 'down', { kind: 'all' })).toEqual(['a:003_c', 'a:002_b', 'a:001_a'])
    expect(steps({ a: list }, 'down', { kind: 'to', id: '001_a' })).toEqual(['a:003_c', 'a:002_b'])
    expect(refused(() => steps({ a: list }, 'down', { kind: 'to', id: '004_d' })).code).toBe('MIGRATION_NOT_APPLIED')
  })

  it('across projects, the migration applied last goes first: the journal time, unless the ledger says it was applied again later', () => {
    const lists = {
      a: [m('001_a', 'applied', { appliedAt: '2024-01-01T00:00:05.123Z' })],
      b: [m('001_b', 'applied', { appliedAt: '2024-01-01T00:00:01.456Z' })],
    }
    // By the ledgers alone, a is the later one.
    expect(steps(lists, 'down', { kind: 'one' })).toEqual(['a:001_a'])
    // Without ledger times, the journal says b ran after a.
    const journals: Journals = new Map([
      ['a', [journalUp('a', '001_a', '2024-01-01T00:00:05.000Z', 1)]],
      ['b', [journalUp('b', '001_b', '2024-01-01T00:00:09.000Z', 2)]],
    ])
    expect(steps({ a: [m('001_a', 'applied')], b: [m('001_b', 'applied')] }, 'down', { kind: 'one' }, journals)).toEqual(['b:001_b'])
    // Ledger times after the journal rows ended: applied again outside mig, so the ledgers count, and a's is the later.
    const again = {
      a: [m('001_a', 'applied', { appliedAt: '2024-01-01T00:00:20.500Z' })],
      b: [m('001_b', 'applied', { appliedAt: '2024-01-01T00:00:10.500Z' })],
    }
    expect(steps(again, 'down', { kind: 'one' }, journals)).toEqual(['a:001_a'])
  })

  it('a journaled up that was rolled back gives no time; with no time at all the order is unknown and nothing is planned', () => {
    const lists = { a: [m('001_a', 'applied')], b: [m('001_b', 'applied')] }
    const journals: Journals = new Map([['a', [journalUp('a', '001_a', '2024-01-01T00:00:05.000Z', 1, 'rolled_back')]]])
    const error = refused(() => steps(lists, 'down', { kind: 'one' }, journals))
    expect(error.code).toBe('DOWN_ORDER_UNKNOWN')
    expect(error.message).toMatch(/a 001_a, b 001_b have no recorded apply time/)
    expect(error.hint).toMatch(/--project: a, b/)
  })

  it('--batch reverts the last batch of the one project that records batches, and refuses when several do', () => {
    const knex = [
      m('1_x', 'applied', { batch: 1 }),
      m('2_y', 'applied', { batch: 2 }),
      m('3_z', 'applied', { batch: 2 }),
      m('4_w', 'pending'),
    ]
    expect(steps({ a: knex, b: [m('001_s', 'applied')] }, 'down', { kind: 'batch' })).toEqual(['a:3_z', 'a:2_y'])
    expect(refused(() => steps({ a: knex, b: knex }, 'down', { kind: 'batch' })).message).toBe(
      '--batch needs one project, and a, b all have batches',
    )
    expect(refused(() => steps({ b: [m('001_s', 'applied')] }, 'down', { kind: 'batch' })).code).toBe('BATCH_PROJECT')
  })
})
