import { isAbsolute, relative } from 'node:path'
import type { DatabaseTarget, Dialect } from '../../db/types.js'
import { serverParts, targetFrom } from '../../db/url.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/** The names tools give their database drivers, each with the dialect mig speaks to it. */
const driverDialects: Readonly<Record<string, Dialect>> = {
  pg: 'postgres',
  pgnative: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
}

/** What a tool's config says about its database, in the tool's own words (values as the config gives them: empty or null is unset). */
export interface ToolConnection {
  /** The option that names the driver, as the tool's users write it: knex `client`, Sequelize `dialect`, TypeORM `type`, Prisma `provider`. */
  option: string
  /** Its value. */
  driver: unknown
  /** The values of `option` the tool and mig both support. */
  accepts: readonly string[]
  /** A connection URL: it wins over the parts, as in every tool. */
  url?: unknown
  host?: unknown
  port?: unknown
  user?: unknown
  password?: unknown
  database?: unknown
  /** SQLite: the database file, as configured (a URL does as well). */
  file?: unknown
  /** Where the tool's users set the SQLite file, for the hint: "connection.filename". */
  fileOption?: string
  /** What a relative SQLite path resolves against: where the tool's CLI runs. */
  baseDir: string
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * The target a tool's connection settings name, through core's one URL
 * parsing (so a database has one key whichever tool names it). A driver the
 * tool or mig does not support is a MigError `<TOOL>_<OPTION>`; an SQLite
 * connection without a file (or in memory, which nothing else could share)
 * `<TOOL>_SQLITE_FILE`. An absolute SQLite file inside `baseDir` is shown
 * relative to it.
 */
export function toolTarget(project: { name: string; tool: string }, c: ToolConnection): DatabaseTarget {
  const dialect = typeof c.driver === 'string' && c.accepts.includes(c.driver) ? driverDialects[c.driver] : undefined
  if (!dialect) {
    const list = c.accepts.length > 1 ? `${c.accepts.slice(0, -1).join(', ')} and ${c.accepts.at(-1)!}` : c.accepts.join('')
    throw new MigError(
      toolCode(project, c.option.toUpperCase()),
      `${project.name}: ${project.tool} ${c.option} "${typeof c.driver === 'function' ? c.driver.name : String(c.driver)}" is not supported by mig`,
      `mig supports ${list}`,
    )
  }
  if (dialect === 'sqlite') {
    const file = str(c.file)
    const source = file ?? str(c.url)
    if (!source || /^(?:(?:sqlite|file):)?:memory:/.test(source)) {
      throw new MigError(
        toolCode(project, 'SQLITE_FILE'),
        `${project.name}: ${project.tool}'s SQLite connection names no file`,
        `set ${c.fileOption ?? 'the database'} to a file path`,
      )
    }
    if (file === undefined) return targetFrom(source, c.baseDir)
    const inside = isAbsolute(file) ? relative(c.baseDir, file) : undefined
    return targetFrom(`sqlite:${inside && !inside.startsWith('..') && !isAbsolute(inside) ? `./${inside}` : file}`, c.baseDir)
  }
  const url = str(c.url)
  if (url) return targetFrom(url, c.baseDir)
  const port = typeof c.port === 'number' || str(c.port) ? (c.port as number | string) : undefined
  const [host, user, password, database] = [c.host, c.user, c.password, c.database].map(str)
  return targetFrom({ dialect, host, port, user, password, database }, c.baseDir)
}

/**
 * A URL or connection parts carry no search path a tool would honour, so a
 * schema target handed to a tool through them would migrate `public`
 * instead: refused. An adapter that sets the tool's search path itself
 * (knex's `searchPath`) passes the target without its schema.
 */
function refuseSchema(target: DatabaseTarget, project: { name: string; tool: string } | undefined): void {
  if (target.schema === undefined) return
  const who = project ? `${project.name}: the ${project.tool} adapter` : 'this adapter'
  throw new MigError(
    'SCHEMA_UNSUPPORTED',
    `${who} cannot point ${project?.tool ?? 'the tool'} at schema "${target.schema}" of ${target.display}: it would migrate the database's default schema instead`,
    'schema-per-tenant targets work with knex and plain SQL projects; give this project database targets (url) instead',
  )
}

/**
 * A tool's own connection URL pointed at `target` (plan and verify's
 * scratch database, perhaps on another server: scratch.url): its server,
 * credentials and database, or SQLite file, with the URL's scheme and the
 * tool's own parameters (Prisma's `?schema=`) kept. A schema target is
 * refused (SCHEMA_UNSUPPORTED): see `refuseSchema`.
 */
export function redirectUrl(url: string, target: DatabaseTarget, project?: { name: string; tool: string }): string {
  refuseSchema(target, project)
  if (target.file !== undefined) return `${/^[a-z][\w+.-]*:/i.exec(url)?.[0] ?? 'file:'}${target.file}${/\?.*$/.exec(url)?.[0] ?? ''}`
  const redirected = new URL(url)
  const to = new URL(target.url)
  for (const part of ['hostname', 'port', 'username', 'password', 'pathname'] as const) redirected[part] = to[part]
  return redirected.toString()
}

/** `target`'s server, credentials and database as the parts a tool's connection object takes (plan and verify's scratch database); a schema target is refused as by `redirectUrl`. */
export function connectionParts(
  target: DatabaseTarget,
  project?: { name: string; tool: string },
): { host: string; port: number; user: string; password: string; database: string } {
  refuseSchema(target, project)
  const parts = serverParts(target)
  return { ...parts, port: Number(parts.port) }
}
