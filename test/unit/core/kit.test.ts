import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  createLoader,
  isLedgerQuery,
  mergeLedger,
  migrationFailure,
  migrationTimestamp,
  packageOf,
  projectRequire,
  statementRecorder,
  writeNew,
} from '../../../src/core/kit/index.js'
import { MigError, MigrationFailure } from '../../../src/output/errors.js'
import { tempDir } from '../../helpers.js'

describe('isLedgerQuery', () => {
  it('takes transaction control and queries on the ledger tables for the tool, the rest for the migration', () => {
    const ledger = ['knex_migrations', 'knex_migrations_lock']
    for (const sql of ['BEGIN', '  begin;', 'COMMIT', 'rollback', 'SAVEPOINT trx2', 'RELEASE SAVEPOINT trx2', 'START TRANSACTION'])
      expect(isLedgerQuery(sql, ledger)).toBe(true)
    expect(isLedgerQuery('update `knex_migrations_lock` set `is_locked` = 1', ledger)).toBe(true)
    expect(isLedgerQuery('insert into "knex_migrations" ("name") values ($1)', ledger)).toBe(true)
    expect(isLedgerQuery(`select * from information_schema.tables where table_name = 'migrations'`, ['migrations'])).toBe(true)
    expect(isLedgerQuery('select * from public.SequelizeMeta', ['SequelizeMeta'])).toBe(true)
    expect(isLedgerQuery('PRAGMA INDEX_INFO(`sqlite_autoindex_SequelizeMeta_1`)', ['SequelizeMeta'])).toBe(true)
  })
  it('does not take a name that merely contains a ledger table, nor a statement that begins with one of the words', () => {
    expect(isLedgerQuery('create table knex_migrations_archive (id int)', ['knex_migrations'])).toBe(false)
    expect(isLedgerQuery('create table user_migrations (id int)', ['migrations'])).toBe(false)
    expect(isLedgerQuery('create table beginnings (id int)', [])).toBe(false)
    expect(isLedgerQuery('SELECT * FROM nowhere', ['SequelizeMeta'])).toBe(false)
    expect(isLedgerQuery('PRAGMA INDEX_INFO(`sqlite_autoindex_users_1`)', ['SequelizeMeta'])).toBe(false)
  })
  it('answers the same for one ledger list asked again and again (its pattern is made once)', () => {
    const ledger = ['migrations', 'typeorm_metadata']
    for (let i = 0; i < 3; i++) {
      expect(isLedgerQuery('INSERT INTO "migrations"("timestamp", "name") VALUES ($1, $2)', ledger)).toBe(true)
      expect(isLedgerQuery('SELECT * FROM "typeorm_metadata"', ledger)).toBe(true)
      expect(isLedgerQuery('CREATE TABLE "migrations_old" (id int)', ledger)).toBe(false)
    }
  })
})

describe('statementRecorder', () => {
  it("passes on the migration's own statements and remembers the last", () => {
    const captured: string[] = []
    const recorder = statementRecorder((sql) => captured.push(sql), ['SequelizeMeta'])
    for (const sql of [
      'START TRANSACTION',
      'CREATE TABLE a (id int)',
      'INSERT INTO `SequelizeMeta` VALUES (?)',
      'SELECT * FROM nowhere',
      'ROLLBACK',
    ])
      recorder.hear(sql)
    expect(captured).toEqual(['CREATE TABLE a (id int)', 'SELECT * FROM nowhere'])
    expect(recorder.last).toBe('SELECT * FROM nowhere')
  })
  it('has no last statement before one is heard', () => {
    expect(statementRecorder(undefined, []).last).toBeUndefined()
  })
})

describe('migrationFailure', () => {
  it('wraps an error with the statement and whether part of it may be applied', () => {
    const cause = new Error('relation "nowhere" does not exist')
    const failure = migrationFailure(cause, { statement: 'SELECT * FROM nowhere', partial: true })
    expect(failure).toBeInstanceOf(MigrationFailure)
    expect(failure).toMatchObject({ message: cause.message, statement: 'SELECT * FROM nowhere', partial: true, cause })
  })
  it('leaves out an unknown statement, and takes another message when given one', () => {
    const failure = migrationFailure('boom', { statement: undefined, partial: false, message: '001_a.up.sql: boom' }) as MigrationFailure
    expect(failure.message).toBe('001_a.up.sql: boom')
    expect(failure.statement).toBeUndefined()
  })
  it('passes a MigError through, unless told to wrap every error', () => {
    const own = new MigError('KNEX_NO_FUNCTION', 'x exports no up function')
    expect(migrationFailure(own, { partial: false })).toBe(own)
    expect(migrationFailure(own, { partial: false, always: true })).toBeInstanceOf(MigrationFailure)
  })
})

describe('migrationTimestamp', () => {
  const now = new Date('2024-03-05T07:08:09.123Z')
  it('is YYYYMMDDHHMMSS in UTC, or epoch milliseconds', () => {
    expect(migrationTimestamp(undefined, now)).toBe('20240305070809')
    expect(migrationTimestamp('epoch-ms', now)).toBe('1709622489123')
  })
})

describe('writeNew', () => {
  it('makes the folder, writes the file, and refuses to overwrite it', async () => {
    const file = join(tempDir(), 'deep', 'er', '001_a.up.sql')
    await writeNew(file, 'SELECT 1;\n')
    expect(readFileSync(file, 'utf8')).toBe('SELECT 1;\n')
    await expect(writeNew(file, 'DROP TABLE users;\n')).rejects.toMatchObject({
      code: 'MIGRATION_EXISTS',
      message: `${file} already exists`,
      hint: expect.stringMatching(/never overwrites/),
    })
    expect(readFileSync(file, 'utf8')).toBe('SELECT 1;\n')
  })
})

describe('projectRequire', () => {
  it('names the package of a deep specifier', () => {
    expect(packageOf('prisma/build/index.js')).toBe('prisma')
    expect(packageOf('@prisma/client/runtime')).toBe('@prisma/client')
    expect(packageOf('knex')).toBe('knex')
  })
  it('loads a package from the project folder, and says how to install one it lacks', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'node_modules', 'fake-orm'), { recursive: true })
    writeFileSync(join(dir, 'node_modules', 'fake-orm', 'index.js'), 'module.exports = { from: __dirname }\n')
    const { require, resolve } = projectRequire({ name: 'api', dir })
    expect(require<{ from: string }>('fake-orm').from).toBe(join(dir, 'node_modules', 'fake-orm'))
    expect(() => resolve('knex')).toThrow(
      expect.objectContaining({
        code: 'KNEX_MISSING',
        message: `api: knex is not installed in ${dir}`,
        hint: `run \`npm install knex\` in ${dir}`,
      }),
    )
    expect(() =>
      resolve('prisma/build/index.js', { for: '--from-schema needs the Prisma CLI', dev: true, otherwise: 'write it by hand' }),
    ).toThrow(
      expect.objectContaining({
        code: 'PRISMA_MISSING',
        message: `api: --from-schema needs the Prisma CLI, and prisma is not installed in ${dir}`,
        hint: `run \`npm install -D prisma\` in ${dir}, or write it by hand`,
      }),
    )
  })
})

describe('createLoader', () => {
  it('loads TypeScript and ESM, the default export unless told otherwise', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.ts'), 'const n: number = 1\nexport default { n }\nexport const other = 2\n')
    expect(await createLoader(dir)(join(dir, 'a.ts'))).toEqual({ n: 1 })
    expect(await createLoader(dir, { default: false })(join(dir, 'a.ts'))).toMatchObject({ default: { n: 1 }, other: 2 })
  })
  it('with native, requires CommonJS itself and falls back for ESM; reads a file afresh unless cached', async () => {
    const dir = tempDir()
    const file = join(dir, 'knexfile.cjs')
    writeFileSync(file, 'module.exports = { v: 1 }\n')
    const load = createLoader(dir, { native: true })
    expect(await load(file)).toEqual({ v: 1 })
    writeFileSync(file, 'module.exports = { v: 2 }\n')
    expect(await load(file)).toEqual({ v: 2 })
    writeFileSync(join(dir, 'esm.js'), 'export default { esm: true }\n')
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n')
    expect(await load(join(dir, 'esm.js'))).toEqual({ esm: true })
  })
  it('answers virtual modules without loading them', async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'prisma.config.ts'),
      "import { defineConfig } from 'prisma/config'\nexport default defineConfig({ schema: 'x.prisma' })\n",
    )
    const load = createLoader(dir, {
      virtualModules: { 'prisma/config': { defineConfig: (c: unknown) => ({ ...(c as object), seen: true }) } },
    })
    expect(await load(join(dir, 'prisma.config.ts'))).toEqual({ schema: 'x.prisma', seen: true })
  })
})

describe('mergeLedger', () => {
  const name = (id: string) => id.replace(/^\d+_/, '')
  it('lists the ledger rows in order, missing when their files are gone, then what is pending on disk', () => {
    const list = mergeLedger(
      [
        { id: '002_b', appliedAt: '2024-01-02T00:00:00.000Z', batch: 1 },
        { id: '001_a', appliedAt: '2024-01-01T00:00:00.000Z', batch: 1 },
      ],
      [
        { id: '002_b', files: ['/m/002_b.up.sql'], reversible: false },
        { id: '003_c', files: ['/m/003_c.up.sql', '/m/003_c.down.sql'] },
      ],
      name,
    )
    expect(list).toEqual([
      {
        id: '002_b',
        name: 'b',
        files: ['/m/002_b.up.sql'],
        state: 'applied',
        appliedAt: '2024-01-02T00:00:00.000Z',
        batch: 1,
        reversible: false,
      },
      { id: '001_a', name: 'a', files: [], state: 'missing', appliedAt: '2024-01-01T00:00:00.000Z', batch: 1, reversible: false },
      { id: '003_c', name: 'c', files: ['/m/003_c.up.sql', '/m/003_c.down.sql'], state: 'pending', reversible: true },
    ])
  })
})
