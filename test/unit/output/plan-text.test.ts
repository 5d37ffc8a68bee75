import { describe, expect, it } from 'vitest'
import { planExitCode, planJson, planText, verifyJson, verifyText } from '../../../src/output/plan-text.js'

describe('planText', () => {
  it('prints each migration under its project and id, statements terminated, data-dependent ones marked', () => {
    const lines = planText({
      projects: ['app'],
      migrations: [
        {
          project: 'app',
          id: '002_note',
          statements: ['SELECT count(*) FROM items', 'ALTER TABLE items ADD note TEXT;'],
          dataDependent: [1],
        },
      ],
    })
    expect(lines.slice(1)).toEqual([
      '',
      'app 002_note',
      '  SELECT count(*) FROM items;',
      '  -- may depend on data: runs after the migration read the database, which was empty here',
      '  ALTER TABLE items ADD note TEXT;',
      '',
      '1 migration(s) read the database before writing: their statements above may differ on real data.',
    ])
    expect(lines[0]).toMatch(/empty tables/)
  })

  it('says when there is nothing to apply, and exits 1 when a migration failed on the copy', () => {
    expect(planText({ projects: ['app'], migrations: [] })).toEqual(['Nothing to apply: every selected migration is applied.'])
    const failed = {
      projects: ['app'],
      migrations: [{ project: 'app', id: '001_x', statements: ['CREATE TABLE x (id INT)'], dataDependent: [], error: 'boom' }],
    }
    expect(planExitCode(failed)).toBe(1)
    expect(planJson(failed).exitCode).toBe(1)
    expect(planText(failed)).toContain('  !! failed on the copy: boom')
  })
})

describe('verifyText', () => {
  it('names each failing migration with its differences, and counts them', () => {
    const result = {
      ok: false,
      projects: [
        {
          project: 'billing',
          tool: 'sql',
          dialect: 'postgres',
          ok: false,
          migrations: [
            { id: '001_a', outcome: 'ok' as const },
            { id: '002_b', outcome: 'not-restored' as const, differences: ['index i on t(c) exists after down; it did not before up'] },
          ],
        },
      ],
    }
    expect(verifyText(result)).toEqual([
      'billing (sql, postgres, on an empty scratch database): FAILED',
      '  001_a: ok (up, down, up again)',
      '  002_b: FAILED: down does not restore the schema',
      '    - index i on t(c) exists after down; it did not before up',
      '',
      '1 migration(s) failed verification.',
    ])
    expect(verifyJson(result).exitCode).toBe(1)
  })
})
