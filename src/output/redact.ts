/**
 * Every secret mig learns (passwords in URLs) is registered here, and every
 * line of output passes through `redact` on its way out, so a password that a
 * driver echoes inside an error message is scrubbed too.
 */
const secrets = new Set<string>()

export const MASK = '***'

export function registerSecret(secret: string | undefined | null): void {
  if (!secret || secret.length < 2) return
  secrets.add(secret)
  try {
    const decoded = decodeURIComponent(secret)
    if (decoded !== secret) secrets.add(decoded)
  } catch {
    // not percent-encoded: the raw form is already registered
  }
  secrets.add(encodeURIComponent(secret))
}

/**
 * Query parameters that carry a credential: libpq's `password` and
 * `sslpassword`, mysql2's `password`, and the usual token spellings.
 */
const credentialParams = 'password|passwd|pwd|pass|sslpassword|ssl_password|secret|token|access_token|auth_token|api_key|apikey'
const paramPattern = new RegExp(`([?&;](?:${credentialParams})=)([^&#;\\s"'\`]*)`, 'gi')
const isCredentialParam = (name: string): boolean => new RegExp(`^(?:${credentialParams})$`, 'i').test(name)

/** The credentials a connection URL carries: its password and its credential query parameters. */
export function urlSecrets(url: URL): string[] {
  const out = [decodeURIComponent(url.password)]
  for (const [name, value] of url.searchParams) if (isCredentialParam(name)) out.push(value)
  return out.filter(Boolean)
}

/** Register the credentials of a connection URL a plugin built, whatever its scheme. */
export function registerUrlSecret(url: string): void {
  try {
    for (const secret of urlSecrets(new URL(url))) registerSecret(secret)
  } catch {
    // not a URL (sqlite:PATH): nothing to hide
  }
}

/**
 * Mask a connection URL's credential fields, by position: the userinfo
 * password (up to the last `@` before the query, so a password holding `/`
 * or `@` is masked whole) and credential query parameters. Structural, so a
 * database or user name that happens to contain the password stays as it is.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^?#]*)@/i, (_m, head: string) => `${head}${MASK}@`)
    .replace(paramPattern, (_m, head: string) => `${head}${MASK}`)
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Structural masking of every URL in the text first; then, as a safety net
 * for secrets echoed elsewhere (a driver's error), every registered secret.
 * The net must not mangle identifiers: a secret of 8+ characters is masked
 * wherever it appears (that long a string inside a name is not a
 * coincidence), a shorter one only as a whole token, never inside a word,
 * so the password `perf` leaves the database `perf_mig_knex` alone.
 */
export function redact(text: string): string {
  let out = redactUrl(text).replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]+)@/gi, (_m, head: string) => `${head}${MASK}@`)
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out =
      secret.length >= 8
        ? out.split(secret).join(MASK)
        : out.replace(new RegExp(`(?<![\\p{L}\\p{N}_$])${escape(secret)}(?![\\p{L}\\p{N}_$])`, 'gu'), MASK)
  }
  return out
}

/** Deep-redact strings in a JSON-able value. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)])) as T
  }
  return value
}
