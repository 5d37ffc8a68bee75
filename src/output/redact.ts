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

/** Register the password of a connection URL a plugin built, whatever its scheme. */
export function registerUrlSecret(url: string): void {
  try {
    registerSecret(decodeURIComponent(new URL(url).password))
  } catch {
    // not a URL with a password (sqlite:PATH): nothing to hide
  }
}

/** Replace the password part of a connection URL with `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*:)([^@/?#]*)@/i, (_m, head: string) => `${head}${MASK}@`)
}

export function redact(text: string): string {
  let out = redactUrl(text).replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]+)@/gi, (_m, head: string) => `${head}${MASK}@`)
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK)
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
