import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LEDGER } from '../../../src/adapters/sql/adapter.js'
import { JOURNAL } from '../../../src/core/journal.js'
import { connect } from '../../../src/db/connect.js'
import { driverOf } from '../../../src/db/drivers.js'
import type { Db } from '../../../src/db/types.js'
import { parseDatabaseUrl } from '../../../src/db/url.js'
import { serverUrls } from '../../../src/testing/databases.js'
import { z } from 'zod'
import { type Result, type SqlMigration, tableMigrations } from '../../helpers.js'
import { manifestSchema, runSchema, statusSchema } from '../../support/schemas.js'

/** Run `fn` over `items`, `n` at a time. */
export async function inParallel<T, R>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!, i)
      }
    }),
  )
  return out
}

export interface ServerFleet {
  names: string[]
  /** The tenant's database URL, by target name. */
  url(name: string): string
  /** `fn` on a connection to a tenant's database, closed after (a server allows only so many). */
  withDb<R>(name: string, fn: (db: Db) => Promise<R>): Promise<R>
  drop(): Promise<void>
}

/**
 * `n` empty databases on the test server, named `<prefix>_<rand>_NNN` and
 * targeted as `t-NNN`. Dropped in parallel: PostgreSQL checkpoints on each
 * DROP DATABASE, and drops side by side share their checkpoints.
 */
export async function serverFleet(dialect: 'postgres' | 'mysql', n: number): Promise<ServerFleet> {
  const tag = `mig_f_${randomBytes(3).toString('hex')}`
  const names = Array.from({ length: n }, (_, i) => `t-${String(i).padStart(3, '0')}`)
  const database = (name: string) => `${tag}_${name.slice(2)}`
  const server = parseDatabaseUrl(serverUrls[dialect], '.')
  const admins = await Promise.all(Array.from({ length: 6 }, () => connect(server)))
  await inParallel(names, admins.length, (name, i) => admins[i % admins.length]!.run(`CREATE DATABASE ${database(name)}`))
  await Promise.all(admins.map((a) => a.close()))
  const url = (name: string) => {
    const u = new URL(serverUrls[dialect])
    u.pathname = `/${database(name)}`
    return u.toString()
  }
  return {
    names,
    url,
    async withDb(name, fn) {
      const db = await connect(parseDatabaseUrl(url(name), '.'))
      try {
        return await fn(db)
      } finally {
        await db.close()
      }
    },
    async drop() {
      await inParallel(names, 20, async (name) => {
        const admin = await connect(server)
        try {
          await driverOf(admin).dropDatabase?.(admin, database(name))
        } finally {
          await admin.close()
        }
      })
    },
  }
}

/** A plain-SQL fleet project `tenants` in `root/app` with these migrations; the config is written by the caller. */
export function writeFleetProject(root: string, migrations: SqlMigration[] = tableMigrations(10)): string {
  const dir = join(root, 'app')
  mkdirSync(join(dir, 'migrations'), { recursive: true })
  for (const m of migrations) {
    writeFileSync(join(dir, 'migrations', `${m.id}.up.sql`), m.up)
    if (m.down !== undefined) writeFileSync(join(dir, 'migrations', `${m.id}.down.sql`), m.down)
  }
  return dir
}

export const writeConfig = (root: string, project: Record<string, unknown>): void =>
  writeFileSync(
    join(root, 'mig.config.json'),
    JSON.stringify({ projects: [{ name: 'tenants', tool: 'sql', dir: 'app', ...project }] }, null, 2),
  )

/** The ids in a tenant's native ledger (the sql adapter's), sorted; none when it has no ledger yet. */
export async function ledgerIds(db: Db): Promise<string[]> {
  if (!(await db.tableExists(LEDGER))) return []
  return (await db.query<{ id: string }>(`SELECT id FROM ${LEDGER} ORDER BY id`)).map((r) => r.id)
}

/** How many times the journal says each migration was applied (outcome ok), by id. */
export async function journalApplied(db: Db): Promise<Map<string, number>> {
  if (!(await db.tableExists(JOURNAL))) return new Map()
  const rows = await db.query<{ migration: string; n: number | string }>(
    `SELECT migration, COUNT(*) AS n FROM ${JOURNAL} WHERE direction = 'up' AND outcome = 'ok' GROUP BY migration`,
  )
  return new Map(rows.map((r) => [r.migration, Number(r.n)]))
}

/**
 * The frozen shape of a fleet's --json (README: Fleets): one entry per
 * (project, target), each the command's own result (a status project, a
 * run, a dry run, backups) with the fleet's fields beside it.
 */
const fleetFields = {
  project: z.string(),
  target: z.string().nullable(),
  database: z.strictObject({ dialect: z.enum(['postgres', 'mysql', 'sqlite']), url: z.string() }).optional(),
  state: z.enum([
    'clean',
    'pending',
    'drift',
    'failed',
    'locked',
    'error',
    'applied',
    'reverted',
    'current',
    'planned',
    'interrupted',
    'skipped',
    'backed-up',
  ]),
  exitCode: z.int().min(0),
  durationMs: z.number().min(0),
  error: z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
}
const runShape = runSchema.omit({ exitCode: true, error: true }).partial()
const targetSchema = z.union([
  statusSchema.shape.projects.element.omit({ error: true }).extend(fleetFields),
  runShape.extend(fleetFields),
  z.strictObject({
    dryRun: z.literal(true),
    migrations: z.array(z.strictObject({ id: z.string(), direction: z.enum(['up', 'down']) })),
    ...fleetFields,
  }),
  z.strictObject({ backups: z.array(manifestSchema), ...fleetFields }),
])
export const fleetSchema = z.strictObject({
  targets: z.array(targetSchema),
  fleet: z.strictObject({
    targets: z.int().min(0),
    states: z.record(z.string(), z.int().min(1)),
    durationMs: z.number().min(0),
    stopped: z.string().optional(),
  }),
  exitCode: z.int().min(0),
})

export type FleetJson = {
  targets: {
    project: string
    target: string | null
    state: string
    exitCode: number
    error?: { code: string; message: string; hint?: string }
    migrations?: { id: string }[]
    summary?: { applied: number; pending: number; failed: number }
  }[]
  fleet: { targets: number; states: Record<string, number>; stopped?: string }
  exitCode: number
}

/** A fleet's --json, checked against its frozen shape. */
export function fleetJson(r: Result): FleetJson {
  const parsed = fleetSchema.safeParse(JSON.parse(r.stdout))
  if (!parsed.success) throw new Error(`fleet --json does not match its schema: ${parsed.error.message}\n${r.stdout.slice(0, 2000)}`)
  return parsed.data as unknown as FleetJson
}
