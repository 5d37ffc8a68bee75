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
export function withNodeNavigator<T>(fn: () => T): T {
  if ((globalThis as { navigator?: unknown }).navigator !== undefined) return fn()
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` },
    configurable: true,
    writable: true,
  })
  const remove = (): void => {
    Reflect.deleteProperty(globalThis, 'navigator')
  }
  let settlesLater = false
  try {
    const result = fn()
    if (result instanceof Promise) {
      settlesLater = true
      return result.finally(remove) as T
    }
    return result
  } finally {
    if (!settlesLater) remove()
  }
}
