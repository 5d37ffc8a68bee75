import { describe, expect, it } from 'vitest'
import { renderStatus } from '../../../src/output/status-text.js'

describe('status as text', () => {
  it('names the project once in an error, whether or not the adapter already did', () => {
    const notes: string[] = []
    const out: string[] = []
    renderStatus(
      {
        projects: [
          {
            name: 'jobs',
            tool: 'knex',
            dir: 'services/jobs',
            error: { code: 'KNEX_ENV', message: 'jobs: the knexfile has no environment "test"', hint: 'pass --env' },
          },
          { name: 'billing', tool: 'sql', dir: 'services/billing', error: { code: 'CONNECT', message: 'connection refused' } },
        ],
      },
      false,
      { out: (l) => out.push(l), note: (l) => notes.push(l) },
    )
    expect(notes).toEqual(['Error: jobs: the knexfile has no environment "test"', 'Hint: pass --env', 'Error: billing: connection refused'])
    expect(out.join('\n')).toMatch(/jobs\s+knex\s+-\s+-\s+-\s+error/)
  })
})
