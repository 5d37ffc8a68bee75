import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { forgetProjectModules, kitFor } from '../../../../src/core/kit/index.js'
import { tempDir } from '../../../helpers.js'

describe('forgetProjectModules', () => {
  it("drops the project's own modules from Node's cache, and keeps its packages", () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true })
    writeFileSync(join(dir, 'node_modules', 'pkg', 'index.js'), 'module.exports = {}\n')
    writeFileSync(join(dir, 'own.js'), "require('pkg'); module.exports = {}\n")
    const require = createRequire(join(dir, 'package.json'))
    require(join(dir, 'own.js'))
    const pkg = require.resolve('pkg')
    expect(Object.keys(require.cache)).toEqual(expect.arrayContaining([join(dir, 'own.js'), pkg]))
    forgetProjectModules(dir)
    expect(require.cache[join(dir, 'own.js')]).toBeUndefined()
    expect(require.cache[pkg]).toBeDefined()
  })
})

/** a, b and shared, as users write them: ESM syntax in TypeScript (jiti), require in CommonJS (Node's own, with `native`). */
const sources = {
  ts: {
    shared: 'export const made = Math.random()\n',
    a: (value: number) => `import * as shared from './shared'\nexport { shared }\nexport const value = ${value}\n`,
    b: "import * as shared from './shared'\nexport { shared }\n",
  },
  cjs: {
    shared: 'module.exports = { made: Math.random() }\n',
    a: (value: number) => `module.exports = { shared: require('./shared.cjs'), value: ${value} }\n`,
    b: "module.exports = { shared: require('./shared.cjs') }\n",
  },
}

describe("OpenContext.loader's moduleCache", () => {
  it.each([
    ['ts', {}],
    ['cjs', { native: true }],
  ] as const)('.%s: shared between the files one loader loads; a new loader sees the files as they are now', async (ext, options) => {
    const dir = tempDir()
    const file = (name: string) => join(dir, `${name}.${ext}`)
    const source = sources[ext]
    writeFileSync(file('shared'), source.shared)
    writeFileSync(file('a'), source.a(1))
    writeFileSync(file('b'), source.b)
    const kit = kitFor({ name: 'app', tool: 'typeorm', dir, options: {} }, 'development')
    const first = kit.loader({ ...options, default: false, moduleCache: true })
    type A = { shared: { made: number }; value: number }
    const one = (await first(file('a'))) as A
    expect(((await first(file('b'))) as A).shared.made).toBe(one.shared.made)
    writeFileSync(file('a'), source.a(2))
    expect(((await first(file('a'))) as A).value).toBe(1)
    const again = (await kit.loader({ ...options, default: false, moduleCache: true })(file('a'))) as A
    expect(again.value).toBe(2)
    expect(again.shared.made).not.toBe(one.shared.made)
  })
})
