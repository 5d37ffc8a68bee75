import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Adapter, ProjectRef, Session } from '../adapter.js'
import { openContext } from '../core/workspace.js'
import type { Dialect } from '../db/types.js'
import { type TestDatabase, createTestDatabase, listTables } from './databases.js'

/**
 * What a plugin gives the conformance suite. `writeProject` lays out, in
 * `dir`, a project of the adapter's tool on `url` holding two migrations
 * that create tables `conf_one` and `conf_two` (downs drop them), in that
 * order; with `failing`, a third that creates `conf_fail` and then throws
 * (e.g. selects from a table that does not exist).
 */
export interface ConformanceOptions {
  adapter: Adapter
  dialects: Dialect[]
  writeProject(dir: string, database: TestDatabase, options: { failing: boolean }): Promise<ProjectRef>
  /** The ids applied according to the tool's own ledger, read natively (its CLI or its table), in apply order. */
  nativeApplied(project: ProjectRef, database: TestDatabase): Promise<string[]>
  /** Per-test timeout for slow tools. */
  timeoutMs?: number
  /**
   * Dialects on which a throwing migration leaves no partial schema. Default
   * PostgreSQL and SQLite; a tool that runs scripts without a transaction on
   * SQLite (as Prisma does, for its PRAGMA-laden table rebuilds) narrows it.
   */
  atomicDdl?: Dialect[]
}


/**
 * The one suite every adapter runs on every dialect it supports:
 * list → up one → native ledger agrees → down one → a throwing migration
 * leaves no record (and, where DDL is transactional, no table) → where the
 * adapter can mark, marking it rolled back and then applied writes the
 * ledger the tool reads, and runs nothing.
 */
export function runConformance(options: ConformanceOptions): void {
  const timeout = options.timeoutMs ?? 30_000
  describe.each(options.dialects)(`${options.adapter.tool} adapter conformance on %s`, (dialect) => {
    let database: TestDatabase
    let dir: string
    let project: ProjectRef
    let session: Session

    beforeAll(async () => {
      database = await createTestDatabase(dialect)
      dir = mkdtempSync(join(tmpdir(), `mig-conf-${options.adapter.tool}-`))
      project = await options.writeProject(dir, database, { failing: true })
      session = await options.adapter.open(project, openContext(project, { root: dir, env: undefined, readOnly: false, warn: () => {} }))
    }, timeout)

    afterAll(async () => {
      await session?.close()
      await database?.drop()
      rmSync(dir, { recursive: true, force: true })
    }, timeout)

    const tables = async () => listTables(await database.db())

    it('lists every migration as pending on an empty database, in order', async () => {
      expect(session.target.dialect).toBe(dialect)
      const list = await session.list()
      expect(list).toHaveLength(3)
      expect(list.map((m) => m.state)).toEqual(['pending', 'pending', 'pending'])
      expect(list[0]!.files.length).toBeGreaterThan(0)
      expect(await options.nativeApplied(project, database)).toEqual([])
    }, timeout)

    it('applies exactly one migration, and the native ledger agrees', async () => {
      const [first] = await session.list()
      await session.up(first!, { transaction: 'auto' })
      const list = await session.list()
      expect(list.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([first!.id])
      expect(await options.nativeApplied(project, database)).toEqual([first!.id])
      expect(await tables()).toContain('conf_one')
      expect(await tables()).not.toContain('conf_two')
    }, timeout)

    it('reverts exactly that migration, and the native ledger agrees', async () => {
      const applied = (await session.list()).filter((m) => m.state === 'applied')
      expect(applied).toHaveLength(1)
      expect(applied[0]!.reversible).toBe(true)
      await session.down(applied[0]!, { transaction: 'auto' })
      expect((await session.list()).every((m) => m.state === 'pending')).toBe(true)
      expect(await options.nativeApplied(project, database)).toEqual([])
      expect(await tables()).not.toContain('conf_one')
    }, timeout)

    it('leaves no record of a migration that throws', async () => {
      const list = await session.list()
      await session.up(list[0]!, { transaction: 'auto' })
      await session.up(list[1]!, { transaction: 'auto' })
      await expect(session.up(list[2]!, { transaction: 'auto' })).rejects.toThrow()
      const after = await session.list()
      // Not applied: pending, or failed where the tool's ledger keeps failed attempts (Prisma).
      expect(after.filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([list[0]!.id, list[1]!.id])
      expect(['pending', 'failed']).toContain(after.find((m) => m.id === list[2]!.id)!.state)
      expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id])
      if ((options.atomicDdl ?? ['postgres', 'sqlite']).includes(dialect)) expect(await tables()).not.toContain('conf_fail')
    }, timeout)

    it('marks the failed migration rolled back, then applied, without running it, and the native ledger agrees', async (t) => {
      if (!session.mark) return t.skip()
      const list = await session.list()
      const failing = list.find((m) => m.id === list[2]!.id)!
      const before = await tables()
      await session.mark(failing, 'rolled-back')
      expect((await session.list()).find((m) => m.id === failing.id)!.state).toBe('pending')
      expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id])
      await session.mark(failing, 'applied')
      expect((await session.list()).filter((m) => m.state === 'applied').map((m) => m.id)).toEqual([list[0]!.id, list[1]!.id, failing.id])
      expect(await options.nativeApplied(project, database)).toEqual([list[0]!.id, list[1]!.id, failing.id])
      // Marked, not run: the schema is as the failed attempt left it.
      expect(await tables()).toEqual(before)
    }, timeout)
  })
}
