import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { DatabaseTarget, OpenContext, ProjectRef } from 'mig'

export interface PrismaProject {
  schemaFile: string
  migrationsDir: string
  /** postgresql | mysql | sqlite, from migration_lock.toml or the schema. */
  provider: string
  url: string
  /** Folder relative SQLite `file:` URLs resolve against. */
  urlBase: string
  /** PostgreSQL `?schema=` (Prisma's own URL parameter). */
  pgSchema: string | undefined
  /** prisma.config.ts `tables.external` (with `experimental.externalTables`): tables Prisma Migrate ignores. */
  externalTables: string[]
  /** The prisma.config file, when there is one. */
  configFile: string | undefined
  /** The environment variable the URL came from (`env("…")` in the schema or prisma.config), through which the Prisma CLI can be given another database. */
  urlVariable: string | undefined
}

const configNames = ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.js', 'prisma.config.mjs', 'prisma.config.cjs']

interface PrismaConfig {
  schema?: string
  migrations?: { path?: string }
  datasource?: { url?: string }
  experimental?: { externalTables?: boolean }
  tables?: { external?: unknown }
}

/**
 * Prisma 7's `prisma.config.ts` evaluated (its `prisma/config`
 * import answered by a stand-in for defineConfig and env), else Prisma ≤ 6's
 * datasource block in `prisma/schema.prisma`.
 */
export function readPrismaProject(project: ProjectRef, ctx: OpenContext): Promise<PrismaProject> {
  // prisma.config.ts reads process.env (through env() or directly): give it the project's environment.
  return ctx.withProjectEnv(() => read(project, ctx))
}

async function read(project: ProjectRef, ctx: OpenContext): Promise<PrismaProject> {
  const { MigError } = ctx.errors
  const env = ctx.projectEnv()
  const configFile = ctx.findConfig(configNames)
  let config: PrismaConfig = {}
  const asked: string[] = []
  if (configFile) {
    // `prisma/config` stands in for itself: a config file uses only defineConfig and env, and the real module takes ~200 ms to load.
    const standIn = {
      defineConfig: (c: unknown) => c,
      env: (name: string) => {
        asked.push(name)
        return ctx.variable(name, { code: 'PRISMA_ENV', readBy: 'prisma.config reads' })
      },
    }
    config = ((await ctx.loadConfig(configFile, {
      code: 'PRISMA_CONFIG',
      hint: (message) =>
        /environment variable/i.test(message)
          ? `set the variable in the environment or in ${join(project.dir, '.env')}`
          : 'check that `prisma` can load it',
      load: { virtualModules: { 'prisma/config': standIn, '@prisma/config': standIn } },
    })) ?? {}) as PrismaConfig
  }
  const base = configFile ? dirname(configFile) : project.dir
  const schemaOption = typeof project.options.schema === 'string' ? project.options.schema : config.schema
  const schemaFile = schemaOption ? resolve(base, schemaOption) : join(project.dir, 'prisma', 'schema.prisma')
  const schema = existsSync(schemaFile) ? readFileSync(schemaFile, 'utf8') : ''
  const block = /datasource\s+\w+\s*\{([^}]*)\}/.exec(schema)?.[1] ?? ''
  const schemaProvider = /provider\s*=\s*"([^"]+)"/.exec(block)?.[1]
  const migrationsDir = config.migrations?.path ? resolve(base, config.migrations.path) : join(dirname(schemaFile), 'migrations')
  const lockFile = join(migrationsDir, 'migration_lock.toml')
  const lockProvider = existsSync(lockFile) ? /provider\s*=\s*"([^"]+)"/.exec(readFileSync(lockFile, 'utf8'))?.[1] : undefined
  if (lockProvider && schemaProvider && normalize(lockProvider) !== normalize(schemaProvider)) {
    throw new MigError(
      'PRISMA_PROVIDER_MISMATCH',
      `${project.name}: the datasource provider "${schemaProvider}" in ${schemaFile} does not match "${lockProvider}" in migration_lock.toml (Prisma's P3019)`,
      'the migrations were written for another database: start a new migration history for this provider, or fix the provider',
    )
  }
  const provider = normalize(lockProvider ?? schemaProvider ?? '')
  if (!provider)
    throw new MigError(
      'PRISMA_PROVIDER',
      `${project.name}: no datasource provider in ${schemaFile} or migration_lock.toml`,
      'add `provider = "postgresql"` (or mysql, sqlite) to the datasource block',
    )
  let url = config.datasource?.url
  let urlBase = base
  let urlVariable = asked.find((name) => url !== undefined && env[name] === url)
  if (!url) {
    const literal = /url\s*=\s*"([^"]+)"/.exec(block)?.[1]
    const fromEnv = /url\s*=\s*env\(\s*"([^"]+)"\s*\)/.exec(block)?.[1]
    url = literal ?? (fromEnv ? ctx.variable(fromEnv, { code: 'PRISMA_ENV', readBy: "the schema's datasource url reads" }) : undefined)
    urlVariable = literal ? undefined : fromEnv
    urlBase = dirname(schemaFile)
    if (!url) {
      throw new MigError(
        'PRISMA_URL',
        `${project.name}: no database URL`,
        "set datasource.url in prisma.config.ts, or url in the schema's datasource block",
      )
    }
  }
  const pgSchema = /^postgres/.test(url) ? (new URL(url).searchParams.get('schema') ?? undefined) : undefined
  const external =
    config.experimental?.externalTables && Array.isArray(config.tables?.external)
      ? config.tables.external.filter((t): t is string => typeof t === 'string')
      : []
  return { schemaFile, migrationsDir, provider, url, urlBase, pgSchema, externalTables: external, configFile, urlVariable }
}

const normalize = (p: string): string => (p === 'postgres' ? 'postgresql' : p)

/** Prisma-only URL parameters the database drivers do not know. */
const prismaParams = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'socket_timeout',
  'statement_cache_size',
  'connect_timeout',
]

export function targetOf(p: PrismaProject, ctx: OpenContext): DatabaseTarget {
  let url = p.url.replace(/\?.*$/, '')
  if (p.provider === 'postgresql' || p.provider === 'mysql') {
    const parsed = new URL(p.url)
    for (const key of prismaParams) parsed.searchParams.delete(key)
    url = parsed.toString()
  }
  const target = ctx.toolTarget({
    option: 'provider',
    driver: p.provider,
    accepts: ['postgresql', 'mysql', 'sqlite'],
    url,
    baseDir: p.urlBase,
  })
  // Another PostgreSQL schema is another set of tables: its own lock and journal.
  return p.pgSchema && p.pgSchema !== 'public' ? { ...target, key: `${target.key}?schema=${p.pgSchema}` } : target
}
