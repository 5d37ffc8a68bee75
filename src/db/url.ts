import { isAbsolute, resolve } from 'node:path'
import { MigError } from '../output/errors.js'
import { redactUrl, registerSecret, urlSecrets } from '../output/redact.js'
import type { DatabaseTarget, Dialect } from './types.js'

const schemes: Record<string, Dialect> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  sqlite: 'sqlite',
  file: 'sqlite',
}

const defaultPorts: Record<Dialect, number> = { postgres: 5432, mysql: 3306, sqlite: 0 }

/**
 * Parse a connection URL (`sqlite:PATH`, `file:PATH`, `postgres://`,
 * `mysql://`, `mariadb://`). Relative SQLite paths resolve against `baseDir`,
 * the project's directory. The password is registered for redaction.
 */
export function parseDatabaseUrl(url: string, baseDir: string): DatabaseTarget {
  const trimmed = url.trim()
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase()
  const dialect = scheme ? schemes[scheme] : undefined
  if (!dialect) {
    throw new MigError(
      'DB_URL_SCHEME',
      `unsupported database URL "${redactUrl(trimmed)}"`,
      'use sqlite:PATH, file:PATH, postgres://user:pass@host:5432/db or mysql://user:pass@host:3306/db',
    )
  }
  if (dialect === 'sqlite') {
    let path = trimmed.slice(trimmed.indexOf(':') + 1).replace(/^\/\/(?=\/)/, '')
    path = path.replace(/\?.*$/, '')
    if (path === '' || path === ':memory:') {
      throw new MigError('DB_URL_SQLITE', `SQLite URL "${trimmed}" names no file`, 'give a file path, e.g. sqlite:./dev.db')
    }
    const file = isAbsolute(path) ? path : resolve(baseDir, path)
    return { dialect, url: trimmed, display: redactUrl(trimmed), key: `sqlite:${file}`, file }
  }
  let parsed: URL
  try {
    parsed = new URL(trimmed)
  } catch {
    throw new MigError(
      'DB_URL_INVALID',
      `malformed database URL "${redactUrl(trimmed)}"`,
      'check the URL: scheme://user:password@host:port/database',
    )
  }
  for (const secret of urlSecrets(parsed)) registerSecret(secret)
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
  if (!database) {
    throw new MigError(
      'DB_URL_NO_DATABASE',
      `database URL "${redactUrl(trimmed)}" names no database`,
      'add the database name after the host, e.g. …@127.0.0.1:5432/app',
    )
  }
  const host = parsed.hostname || 'localhost'
  const port = parsed.port ? Number(parsed.port) : defaultPorts[dialect]
  return {
    dialect,
    url: trimmed,
    display: redactUrl(trimmed),
    key: `${dialect}://${host}:${port}/${database}`,
    database,
  }
}

/**
 * Host, port, user and database of a server URL, for client tools' flags;
 * the password separately, for the environment or an options file. A
 * password given as `?password=` (libpq and mysql2 both accept it) counts too.
 */
export function serverParts(target: DatabaseTarget) {
  const url = new URL(target.url)
  return {
    host: url.hostname || 'localhost',
    port: url.port || String(defaultPorts[target.dialect]),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password) || (url.searchParams.get('password') ?? ''),
    database: target.database ?? decodeURIComponent(url.pathname.replace(/^\//, '')),
  }
}

/** A server connection given as parts, as ORMs' configs often give it. */
export interface ConnectionParts {
  dialect: 'postgres' | 'mysql'
  host?: string
  port?: number | string
  user?: string
  password?: string | null
  database?: string
}

/** A target from a URL or from its parts: the one place URLs become targets (key, redacted display, registered password). */
export function targetFrom(source: string | ConnectionParts, baseDir: string): DatabaseTarget {
  if (typeof source === 'string') return parseDatabaseUrl(source, baseDir)
  const user = encodeURIComponent(source.user ?? '')
  const password = source.password ? `:${encodeURIComponent(source.password)}` : ''
  const auth = user || password ? `${user}${password}@` : ''
  const port = source.port ? `:${String(source.port)}` : ''
  return parseDatabaseUrl(
    `${source.dialect}://${auth}${source.host ?? 'localhost'}${port}/${encodeURIComponent(source.database ?? '')}`,
    baseDir,
  )
}
