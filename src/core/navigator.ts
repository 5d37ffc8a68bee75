/**
 * Run `fn` with a `navigator` as Node 21 and later define it
 * (`{ userAgent: 'Node.js/<major>' }`) when the running Node has none (20).
 * node-postgres asks at load whether it runs in a Cloudflare Worker: with no
 * `navigator` it builds a `Response`, which loads Node's bundled fetch
 * (undici), 30–80 ms of every command that loads pg. Core loads pg through
 * this, and so does a tool's config file (a TypeORM DataSource loads pg when
 * it is constructed). It is there only while `fn` runs (until its promise
 * settles); code that runs then sees what it would see on Node 22.
 */
let depth = 0
let ours: object | undefined

export function withNodeNavigator<T>(fn: () => T): T {
  const global = globalThis as { navigator?: unknown }
  // Node's own (21 and later), or one user code set: left as it is.
  if (depth === 0 && global.navigator !== undefined) return fn()
  // Calls overlap (a fleet loads several targets' files at once): the first defines it, the last out removes it.
  if (depth++ === 0) {
    ours = { userAgent: `Node.js/${process.versions.node.split('.')[0]}` }
    Object.defineProperty(globalThis, 'navigator', { value: ours, configurable: true, writable: true })
  }
  const done = (): void => {
    if (--depth > 0) return
    // Only ours: a navigator something else put there meanwhile stays.
    if (global.navigator === ours) Reflect.deleteProperty(globalThis, 'navigator')
    ours = undefined
  }
  let settlesLater = false
  try {
    const result = fn()
    if (result instanceof Promise) {
      settlesLater = true
      return result.finally(done) as T
    }
    return result
  } finally {
    if (!settlesLater) done()
  }
}
