import { join } from 'node:path'
import type { OpenContext, ProjectRef } from '../../adapter.js'
import { expandUrlVars } from '../../core/url-vars.js'
import { MigError } from '../../output/errors.js'

/**
 * The project's database URL: `url` in mig.config (a string, or one per
 * environment), else DATABASE_URL from the project's environment (exported,
 * else its `.env`: core's one rule). `${VAR}` in a configured url expands
 * by the same rule.
 */
export function resolveUrl(project: ProjectRef, ctx: Pick<OpenContext, 'env' | 'projectEnv'>): string {
  const env = ctx.projectEnv()
  const configured = project.options.url
  if (typeof configured === 'string') return expand(configured, project, env)
  if (configured && typeof configured === 'object') {
    const urls = configured as Record<string, string>
    const url = urls[ctx.env]
    if (!url) {
      throw new MigError(
        'SQL_NO_ENV_URL',
        `${project.name}: no url for environment "${ctx.env}"`,
        `add projects[].url.${ctx.env} in mig.config.json, or pick one of: ${Object.keys(urls).join(', ')} with --env`,
      )
    }
    return expand(url, project, env)
  }
  const url = env.DATABASE_URL
  if (!url) {
    throw new MigError(
      'SQL_NO_URL',
      `${project.name}: no database URL`,
      `set "url" for the project in mig.config.json, or DATABASE_URL in ${join(project.dir, '.env')} or the environment`,
    )
  }
  return url
}

/** `${VAR}` in a configured URL (core's one rule for it). */
const expand = (url: string, project: ProjectRef, env: Readonly<Record<string, string>>): string =>
  expandUrlVars(
    url,
    env,
    (name) =>
      new MigError(
        'SQL_URL_VAR',
        `${project.name}: the url uses \${${name}}, which is not set`,
        `export ${name}=… or set it in ${join(project.dir, '.env')}`,
      ),
  )
