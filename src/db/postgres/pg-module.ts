import { createRequire } from 'node:module'
import { withNodeNavigator } from '../../core/navigator.js'

/** node-postgres, loaded once, without its Cloudflare check loading Node's fetch (core/navigator). */
export function loadPg(): typeof import('pg') {
  return withNodeNavigator(() => createRequire(import.meta.url)('pg') as typeof import('pg'))
}
