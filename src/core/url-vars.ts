import { registerSecret } from '../output/redact.js'

/**
 * `${VAR}` in a configured URL (a project's `url`, a fleet target's), from
 * the project's environment, so a password need not sit in mig.config.json
 * or a targets file. A value that lands in the URL's user info is registered
 * as a secret before anything parses the URL: a password holding `/`, `?`
 * or `#` makes the URL unparsable, and the error that says so must not show
 * it. `missing(name)` is the error for a variable that is not set.
 */
export function expandUrlVars(url: string, env: Readonly<Record<string, string>>, missing: (name: string) => Error): string {
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1] ?? ''
  return url.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (placeholder: string, name: string) => {
    const value = env[name]
    if (value === undefined) throw missing(name)
    if (userInfo.includes(placeholder)) registerSecret(value)
    return value
  })
}
