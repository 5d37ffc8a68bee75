import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '../db/connect.js'
import { driverOf } from '../db/drivers.js'
import type { Db, Dialect } from '../db/types.js'
import { parseDatabaseUrl } from '../db/url.js'

/** Server URLs tests create their databases on; override with MIG_TEST_PG_URL / MIG_TEST_MYSQL_URL. */
export const serverUrls = {
  postgres: process.env.MIG_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.MIG_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
} as const

export interface TestDatabase {
  dialect: Dialect
  url: string
  name: string
  /** A connection for checking state directly; closed by drop(). */
  db(): Promise<Db>
  drop(): Promise<void>
}

const availability = new Map<Dialect, Promise<boolean>>()

async function reachable(dialect: 'postgres' | 'mysql'): Promise<boolean> {
  try {
    const db = await connect(parseDatabaseUrl(serverUrls[dialect], process.cwd()))
    await db.close()
    return true
  } catch {
    return false
  }
}

/**
 * The dialects tests can run on. SQLite always; PostgreSQL and MariaDB when
 * their servers answer. With MIG_TEST_REQUIRE_DBS=1 a missing server throws,
 * so CI fails instead of skipping.
 */
export async function availableDialects(): Promise<Dialect[]> {
  const out: Dialect[] = ['sqlite']
  for (const dialect of ['postgres', 'mysql'] as const) {
    if (!availability.has(dialect)) availability.set(dialect, reachable(dialect))
    if (await availability.get(dialect)) out.push(dialect)
    else if (process.env.MIG_TEST_REQUIRE_DBS === '1') {
      throw new Error(`MIG_TEST_REQUIRE_DBS=1 but ${dialect} at ${parseDatabaseUrl(serverUrls[dialect], '.').display} is not reachable`)
    }
  }
  return out
}

/** A fresh, uniquely named database; drop() removes it. */
export async function createTestDatabase(dialect: Dialect, options: { password?: string } = {}): Promise<TestDatabase> {
  const name = `mig_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const opened: Db[] = []
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mig-sqlite-'))
    const url = `sqlite:${join(dir, `${name}.db`)}`
    return {
      dialect,
      url,
      name,
      async db() {
        const db = await connect(parseDatabaseUrl(url, dir))
        opened.push(db)
        return db
      },
      async drop() {
        await Promise.all(opened.map((d) => d.close()))
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const server = parseDatabaseUrl(serverUrls[dialect], '.')
  const admin = await connect(server)
  await admin.run(`CREATE DATABASE ${name}`)
  await admin.close()
  const url = new URL(serverUrls[dialect])
  url.pathname = `/${name}`
  if (options.password) url.password = options.password
  const urlText = url.toString()
  return {
    dialect,
    url: urlText,
    name,
    async db() {
      const db = await connect(parseDatabaseUrl(urlText, '.'))
      opened.push(db)
      return db
    },
    async drop() {
      await Promise.all(opened.map((d) => d.close()))
      const admin = await connect(server)
      try {
        await driverOf(admin).dropDatabase?.(admin, name)
      } finally {
        await admin.close()
      }
    },
  }
}

/** Tables in the database (current schema), sorted. */
export const listTables = (db: Db): Promise<string[]> => driverOf(db).listTables(db)
