import { describe, expect, it } from 'vitest'
import type { ProjectStatus } from '../../../src/core/status.js'
import { formatAnnotation, statusAnnotations } from '../../../src/output/github.js'

const lines = (projects: ProjectStatus[], trackedBackups?: string[]) =>
  statusAnnotations({ projects, ...(trackedBackups ? { trackedBackups } : {}) }).map((a) => formatAnnotation(a, '/repo'))

const summary = { applied: 0, pending: 0, failed: 0, drift: 0, missing: 0 }
const migration = { name: 'x', drift: false, reversible: true }

describe('GitHub workflow annotations', () => {
  it('escape as @actions/core does: the message is one line, a property also stops at , and :', () => {
    expect(
      formatAnnotation({ level: 'error', file: '/repo/a,b:c.sql', line: 3, title: 'T: x, y', message: '100%\nsecond\r\nline' }, '/repo'),
    ).toBe('::error file=a%2Cb%3Ac.sql,line=3,title=T%3A x%2C y::100%25%0Asecond%0D%0Aline')
    expect(formatAnnotation({ level: 'notice', message: 'plain' }, '/repo')).toBe('::notice::plain')
    // A path already relative to the root stays as it is.
    expect(formatAnnotation({ level: 'warning', file: 'svc/m.sql', message: 'm' }, '/elsewhere')).toBe('::warning file=svc/m.sql::m')
  })

  it('status: one per pending, drifted, missing or failed migration and per problem, on the file where there is one', () => {
    expect(
      lines(
        [
          {
            name: 'billing',
            tool: 'sql',
            dir: 'services/billing',
            database: { dialect: 'postgres', url: 'postgres://app:***@db/billing' },
            summary,
            migrations: [
              { ...migration, id: '001_a', state: 'applied', file: '/repo/services/billing/migrations/001_a.up.sql' },
              { ...migration, id: '002_b', state: 'applied', drift: true, file: '/repo/services/billing/migrations/002_b.up.sql' },
              { ...migration, id: '003_c', state: 'missing' },
              { ...migration, id: '004_d', state: 'failed', error: 'syntax error at "FROM"', file: '/repo/services/billing/004_d.up.sql' },
              { ...migration, id: '005_e', state: 'pending', file: '/repo/services/billing/migrations/005_e.up.sql' },
            ],
            lock: { holder: 'ci@runner (pid 7)', since: '2024-01-01T00:00:00.000Z', stale: false },
            ignoredFiles: ['migrations/notes.sql'],
          },
          {
            name: 'jobs',
            tool: 'knex',
            dir: 'services/jobs',
            plugin: { installed: false, install: 'mig plugins install knex' },
            error: {
              code: 'PLUGIN_MISSING',
              message: 'no adapter for tool "knex": its plugin is not installed',
              hint: 'install it: mig plugins install knex',
            },
          },
          {
            name: 'users',
            tool: 'typeorm',
            dir: 'users',
            summary,
            migrations: [],
            toolLock: { holder: 'typeorm (migrations_lock)' },
          },
        ],
        ['.mig/backups/a.dump'],
      ),
    ).toEqual([
      '::error file=services/billing/migrations/002_b.up.sql,title=Drift::billing: 002_b was edited after it was applied; restore the applied version, or add a new migration for the change',
      '::error title=Missing migration::billing: 003_c is applied, but its files are gone',
      '::error file=services/billing/004_d.up.sql,title=Failed migration::billing: 004_d failed partway (syntax error at "FROM"); finish or undo it by hand, then `mig resolve 004_d --applied` or `--rolled-back`',
      '::warning file=services/billing/migrations/005_e.up.sql,title=Pending migration::billing: 005_e is not applied; `mig up --project billing` applies it',
      '::warning title=Locked::billing: postgres://app:***@db/billing is locked by ci@runner (pid 7) since 2024-01-01T00:00:00.000Z',
      '::warning file=services/billing/migrations/notes.sql,title=Ignored file::billing: migrations/notes.sql is not run: its name breaks the naming rule',
      '::error title=mig status::jobs: no adapter for tool "knex": its plugin is not installed. Hint: install it: mig plugins install knex',
      '::warning title=Locked::users: locked by typeorm (migrations_lock); if no typeorm run is going on, `mig unlock --release` frees it',
      '::warning file=.mig/backups/a.dump,title=Backup in git::git tracks .mig/backups/a.dump, a full data dump: `git rm --cached` it and keep the backup folder in .gitignore',
    ])
  })

  it('status: nothing at all when every project is clean; a stale lock is a notice', () => {
    const clean: ProjectStatus = {
      name: 'a',
      tool: 'sql',
      dir: 'a',
      summary,
      migrations: [{ ...migration, id: '001_a', state: 'applied' }],
    }
    expect(lines([clean])).toEqual([])
    expect(lines([{ ...clean, lock: { holder: 'me (pid 1)', stale: true } }])).toEqual([
      '::notice title=Locked::a: its database is locked by me (pid 1) (stale: `mig unlock --release` frees it)',
    ])
  })
})
