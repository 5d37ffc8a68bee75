import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'

/**
 * The project's database URL: `url` in mig.config (a string, or one per
 * `--env`), else DATABASE_URL from the project's `.env`, else from the
 * environment. The project's own `.env` wins over the environment so that, in
 * a repository of several projects, one exported DATABASE_URL cannot point
 * them all at the same database.
 */
export function resolveUrl(project: ProjectRef, env: string | undefined): string {
  const configured = project.options.url
  if (typeof configured === 'string') return expand(configured, project)
  if (configured && typeof configured === 'object') {
    const urls = configured as Record<string, string>
    const name = env ?? process.env.MIG_ENV ?? 'development'
    const url = urls[name]
    if (!url) {
      throw new MigError('SQL_NO_ENV_URL', `${project.name}: no url for environment "${name}"`, `add projects[].url.${name} in mig.config.json, or pick one of: ${Object.keys(urls).join(', ')} with --env`)
    }
    return expand(url, project)
  }
  const dotenv = join(project.dir, '.env')
  const fromFile = existsSync(dotenv) ? parseEnv(readFileSync(dotenv, 'utf8')).DATABASE_URL : undefined
  const url = fromFile ?? process.env.DATABASE_URL
  if (!url) {
    throw new MigError('SQL_NO_URL', `${project.name}: no database URL`, `set "url" for the project in mig.config.json, or DATABASE_URL in ${dotenv} or the environment`)
  }
  return url
}

/** `${VAR}` in a configured URL comes from the environment, so a password need not sit in mig.config.json. */
function expand(url: string, project: ProjectRef): string {
  return url.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const value = process.env[name]
    if (value === undefined) {
      throw new MigError('SQL_URL_VAR', `${project.name}: the url uses \${${name}}, which is not set`, `export ${name}=… before running mig`)
    }
    return value
  })
}
