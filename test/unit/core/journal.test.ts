import { describe, expect, it } from 'vitest'
import {
  type JournalEntry,
  appliedChecksums,
  journaledState,
  latestByMigration,
  leftPartial,
  resolveOutcome,
} from '../../../src/core/journal.js'

const entry = (
  migration: string,
  direction: JournalEntry['direction'],
  outcome: JournalEntry['outcome'],
  checksum: string | null = null,
  project = 'app',
): JournalEntry => ({
  project,
  tool: 'sql',
  migration,
  direction,
  checksum,
  actor: 'me@host',
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 5,
  outcome,
  error: null,
  backupId: null,
  note: null,
})

describe('journaledState: what the journal adds to the ledger state', () => {
  it('an up that failed partway, or whose run died while running, is failed while the ledger says pending', () => {
    expect(journaledState('pending', { direction: 'up', outcome: 'failed' }, false)).toBe('failed')
    expect(journaledState('pending', { direction: 'up', outcome: 'running' }, true)).toBe('failed')
  })

  it('a running row whose run may still be alive changes nothing', () => {
    expect(journaledState('pending', { direction: 'up', outcome: 'running' }, false)).toBe('pending')
    expect(journaledState('applied', { direction: 'down', outcome: 'running' }, false)).toBe('applied')
  })

  it('a down that stopped partway is failed while the ledger still says applied', () => {
    expect(journaledState('applied', { direction: 'down', outcome: 'failed' }, false)).toBe('failed')
    expect(journaledState('applied', { direction: 'down', outcome: 'running' }, true)).toBe('failed')
  })

  it('the ledger wins when it has moved past the journal, and clean outcomes change nothing', () => {
    // A failed up whose migration the ledger now has (applied by the tool itself afterwards).
    expect(journaledState('applied', { direction: 'up', outcome: 'failed' }, true)).toBe('applied')
    // A failed down whose row the ledger no longer has.
    expect(journaledState('pending', { direction: 'down', outcome: 'failed' }, true)).toBe('pending')
    for (const outcome of ['ok', 'rolled_back'] as const) {
      expect(journaledState('pending', { direction: 'up', outcome }, true)).toBe('pending')
      expect(journaledState('applied', { direction: 'down', outcome }, true)).toBe('applied')
    }
    expect(journaledState('pending', undefined, true)).toBe('pending')
    expect(journaledState('missing', { direction: 'up', outcome: 'failed' }, true)).toBe('missing')
  })

  it('leftPartial: failed always, running only once its run is gone', () => {
    expect([
      leftPartial({ outcome: 'failed' }, false),
      leftPartial({ outcome: 'running' }, false),
      leftPartial({ outcome: 'running' }, true),
      leftPartial({ outcome: 'ok' }, true),
    ]).toEqual([true, false, true, false])
  })
})

describe('journal history', () => {
  it('latestByMigration keeps the last up, down or resolve per migration of one project, ignoring backups and other projects', () => {
    const latest = latestByMigration(
      [
        entry('001', 'up', 'failed'),
        entry('001', 'resolve', 'rolled_back'),
        entry('002', 'up', 'ok'),
        entry('002', 'backup', 'ok'),
        entry('001', 'up', 'ok', null, 'other'),
      ],
      'app',
    )
    expect([...latest].map(([id, e]) => `${id}:${e.direction}:${e.outcome}`)).toEqual(['001:resolve:rolled_back', '002:up:ok'])
  })

  it('appliedChecksums: the checksum of the last successful up or applied resolve; a down or a rolled-back resolve forgets it', () => {
    const sums = appliedChecksums(
      [
        entry('001', 'up', 'ok', 'sum1'),
        entry('001', 'up', 'failed', 'bad'),
        entry('002', 'up', 'ok', 'sum2'),
        entry('002', 'down', 'ok'),
        entry('003', 'resolve', 'ok', 'sum3'),
        entry('004', 'up', 'ok', 'sum4'),
        entry('004', 'resolve', 'rolled_back'),
        entry('005', 'up', 'ok', 'theirs', 'other'),
      ],
      'app',
    )
    expect(Object.fromEntries(sums)).toEqual({ '001': 'sum1', '003': 'sum3' })
    expect([resolveOutcome('applied'), resolveOutcome('rolled-back')]).toEqual(['ok', 'rolled_back'])
  })
})
