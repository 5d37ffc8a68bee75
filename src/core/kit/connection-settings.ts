import { isAbsolute, relative } from 'node:path'
import type { ProjectRef } from '../../adapter.js'
import type { DatabaseTarget, Dialect } from '../../db/types.js'
import { serverParts, targetFrom } from '../../db/url.js'
import { MigError } from '../../output/errors.js'
import { toolCode } from './tool-code.js'

/** A tool's connection settings, in mig's words (each tool names them its own way). */
export interface ConnectionSettings {
  /** The tool's name for its database driver: knex `client`, TypeORM `type`, Sequelize `dialect`. */
  driver: unknown
  /** A connection URL; it wins over the parts, as in the tools' own drivers. */
  url?: unknown
  host?: unknown
  port?: unknown
  user?: unknown
  password?: unknown
  database?: unknown
  /** SQLite: the database file. */
  file?: unknown
}

/** What `connectionTarget` needs to know of the tool. */
export interface ConnectionRules {
  /** The tool's driver names that mig supports, each with its dialect. */
  dialects: Readonly<Record<string, Dialect>>
  /** The tool's names of its driver and SQLite file settings, for messages: `DataSource type`, `database`. */
  driverKey: string
  fileKey: string
  /** The folder a relative SQLite file resolves against: where the tool's CLI runs. */
  base: string
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/**
 * The database a tool's connection settings name, as a target for core:
 * the driver mapped to its dialect; SQLite's file (shown relative to `base`
 * when it lies inside it); a server's URL, else its parts. An unsupported
 * driver is a MigError `<TOOL>_DIALECT`, a SQLite setting naming no file
 * (or `:memory:`) `<TOOL>_SQLITE_FILE`.
 */
export function connectionTarget(project: ProjectRef, settings: ConnectionSettings, rules: ConnectionRules): DatabaseTarget {
  const dialect = typeof settings.driver === 'string' ? rules.dialects[settings.driver] : undefined
  if (!dialect) {
    const names = Object.keys(rules.dialects)
    throw new MigError(
      toolCode(project, 'DIALECT'),
      `${project.name}: ${rules.driverKey} "${String(settings.driver ?? '(none)')}" is not supported by mig`,
      `mig supports ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`,
    )
  }
  if (dialect === 'sqlite') {
    const file = str(settings.file)
    if (!file || file.startsWith(':memory'))
      throw new MigError(
        toolCode(project, 'SQLITE_FILE'),
        `${project.name}: the SQLite ${rules.fileKey} names no file`,
        `set ${rules.fileKey} to a file path`,
      )
    const inside = isAbsolute(file) ? relative(rules.base, file) : undefined
    return targetFrom(`sqlite:${inside && !inside.startsWith('..') && !isAbsolute(inside) ? `./${inside}` : file}`, rules.base)
  }
  const url = str(settings.url)
  if (url) return targetFrom(url, rules.base)
  const { host, port, user, password, database } = settings
  return targetFrom(
    {
      dialect,
      host: str(host),
      port: typeof port === 'number' || str(port) ? (port as number | string) : undefined,
      user: str(user),
      password: str(password),
      database: str(database),
    },
    rules.base,
  )
}

/** Where a database is, as tools' settings name it: its URL, and SQLite's file or a server's parts. */
export interface ConnectionOf {
  url: string
  file?: string
  host?: string
  port?: number
  user?: string
  password?: string
  database?: string
}

/**
 * `target` as connection settings, for pointing a tool at the database
 * `ctx.database()` handed back: the scratch may be on another server than
 * the tool's config names (`scratch.url`), so a server's every part is given.
 */
export function connectionOf(target: DatabaseTarget): ConnectionOf {
  if (target.dialect === 'sqlite') return { url: target.url, ...(target.file ? { file: target.file } : {}) }
  const { host, port, user, password, database } = serverParts(target)
  // No empty user or password: the driver's own defaults (PGPASSWORD, ~/.pgpass) still apply.
  return { url: target.url, host, port: Number(port), ...(user ? { user } : {}), ...(password ? { password } : {}), database }
}
