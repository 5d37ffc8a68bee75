import { createRequire } from 'node:module'
import { join } from 'node:path'
import { MigError } from '../../output/errors.js'

/** What a package the project lacks is needed for, and how to install it. */
export interface RequireOptions {
  /** Why it is needed, said before "is not installed", e.g. "--from-schema needs the project's Prisma CLI". */
  for?: string
  /** A development dependency: the hint says `npm install -D`. */
  dev?: boolean
  /** The other way out, added to the hint, e.g. "write the SQL by hand (drop --from-schema)". */
  otherwise?: string
}

/** The package a specifier names: `prisma/build/index.js` → `prisma`, `@scope/pkg/x` → `@scope/pkg`. */
export const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

/**
 * Resolve and require packages from the project's folder, never a copy of
 * mig's own: the user's ORM, at the user's version. A package the project
 * lacks is a MigError `<PACKAGE>_MISSING` with the install command as the hint.
 */
export function projectRequire(project: { name: string; dir: string }) {
  const require = createRequire(join(project.dir, 'package.json'))
  const resolve = (specifier: string, options: RequireOptions = {}): string => {
    try {
      return require.resolve(specifier)
    } catch {
      const pkg = packageOf(specifier)
      const why = options.for ? `${options.for}, and ` : ''
      throw new MigError(
        `${pkg.replace(/^@/, '').replace(/\W+/g, '_').toUpperCase()}_MISSING`,
        `${project.name}: ${why}${pkg} is not installed in ${project.dir}`,
        `run \`npm install${options.dev ? ' -D' : ''} ${pkg}\` in ${project.dir}${options.otherwise ? `, or ${options.otherwise}` : ''}`,
      )
    }
  }
  return { resolve, require: <T = unknown>(specifier: string, options?: RequireOptions): T => require(resolve(specifier, options)) as T }
}
