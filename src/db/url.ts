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

/**
 * `target` with `schema` as its PostgreSQL search_path (schema-per-tenant):
 * the same server and credentials, a key and display of its own, so its lock
 * and journal are the schema's. Other dialects: SCHEMA_UNSUPPORTED.
 */
export function schemaTarget(target: DatabaseTarget, schema: string): DatabaseTarget {
  if (target.dialect !== 'postgres') throw schemaUnsupported(target, schema)
  // 63 bytes is PostgreSQL's NAMEDATALEN - 1: a longer name would be cut silently, and two tenants could meet in one schema.
  if (schema === '' || schema.includes('\0') || Buffer.byteLength(schema) > 63 || /^pg_/i.test(schema)) {
    throw new MigError(
      'SCHEMA_INVALID',
      `"${schema}" cannot be a schema of ${target.display}`,
      'name a schema of 1 to 63 bytes that does not start with pg_ (PostgreSQL reserves those)',
    )
  }
  const base = target.schema ? { ...target, key: target.key.replace(/\?schema=.*$/, '') } : target
  return { ...base, schema, key: `${base.key}?schema=${schema}`, display: `${redactUrl(target.url)} (schema ${schema})` }
}

/** A target with a schema on a dialect that has none to put in a search path: MySQL's schemas are databases, SQLite has one. */
export function schemaUnsupported(target: DatabaseTarget, schema: string): MigError {
  return new MigError(
    'SCHEMA_UNSUPPORTED',
    `schema "${schema}" on ${target.display}: schema-per-tenant targets are PostgreSQL only`,
    target.dialect === 'mysql'
      ? `on MySQL/MariaDB a schema is a database: give the target a url naming database "${schema}" instead`
      : `give the tenant its own SQLite file: a url instead of schema "${schema}"`,
  )
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
