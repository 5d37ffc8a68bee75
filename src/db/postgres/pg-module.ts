import { createRequire } from 'node:module'

/**
 * node-postgres, loaded once. At load it asks whether it runs in a Cloudflare
 * Worker: with no `navigator` (Node 20 has none; 21 and later have one) it
 * builds a `Response`, which loads Node's bundled fetch (undici), about 30 ms
 * of every command that touches PostgreSQL, more on a busy machine. A
 * `navigator` as Node 21 defines it answers the question; it is there only
 * while pg loads.
 */
export function loadPg(): typeof import('pg') {
  const global = globalThis as { navigator?: unknown }
  const shim = global.navigator === undefined
  if (shim)
    Object.defineProperty(globalThis, 'navigator', {
      value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` },
      configurable: true,
      writable: true,
    })
  try {
    return createRequire(import.meta.url)('pg') as typeof import('pg')
  } finally {
    if (shim) Reflect.deleteProperty(globalThis, 'navigator')
  }
}
