import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { withNodeNavigator } from '../../../src/core/navigator.js'

const repo = join(import.meta.dirname, '..', '..', '..')
const navigator = () => (globalThis as { navigator?: { userAgent?: string } }).navigator
const nodeHasNavigator = navigator() !== undefined

describe('withNodeNavigator', () => {
  it.skipIf(nodeHasNavigator)('defines navigator as Node 21 does only while fn runs: sync, async, and when fn throws', async () => {
    expect(withNodeNavigator(() => navigator()?.userAgent)).toBe(`Node.js/${process.versions.node.split('.')[0]}`)
    expect(navigator()).toBeUndefined()
    const seen = withNodeNavigator(async () => {
      await new Promise((r) => setTimeout(r, 5))
      return navigator()?.userAgent
    })
    expect(await seen).toMatch(/^Node\.js\/\d+$/)
    expect(navigator()).toBeUndefined()
    expect(() =>
      withNodeNavigator(() => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(navigator()).toBeUndefined()
    await expect(withNodeNavigator(() => Promise.reject(new Error('late')))).rejects.toThrow('late')
    expect(navigator()).toBeUndefined()
  })

  it.skipIf(nodeHasNavigator)('overlapping calls: there until the last one ends, then gone', async () => {
    let release!: () => void
    const slow = withNodeNavigator(() => new Promise<string | undefined>((r) => (release = () => r(navigator()?.userAgent))))
    // A second load starts and ends while the first is still running.
    expect(await withNodeNavigator(async () => navigator()?.userAgent)).toMatch(/^Node\.js\//)
    expect(navigator()).toBeDefined()
    release()
    expect(await slow).toMatch(/^Node\.js\//)
    expect(navigator()).toBeUndefined()
  })

  it('leaves a navigator that is already there as it is', () => {
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator')
    const own = { userAgent: 'test-agent' }
    Object.defineProperty(globalThis, 'navigator', { value: own, configurable: true, writable: true })
    try {
      expect(withNodeNavigator(() => navigator())).toBe(own)
      expect(navigator()).toBe(own)
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had)
      else Reflect.deleteProperty(globalThis, 'navigator')
    }
  })

  it("loading pg through core does not load Node's fetch (undici), and leaves no navigator behind", () => {
    // A fresh process: vitest itself may have loaded undici. Runs the build (npm test builds first).
    const script = `
      const { loadPg } = await import(${JSON.stringify(join(repo, 'dist', 'db', 'postgres', 'pg-module.js'))})
      const pg = loadPg()
      console.log(JSON.stringify({
        client: typeof pg.Client,
        undici: process.moduleLoadList.some((m) => m.includes('undici')),
        navigator: typeof globalThis.navigator,
      }))`
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >
    expect(out).toEqual({ client: 'function', undici: false, navigator: nodeHasNavigator ? 'object' : 'undefined' })
    // The check has teeth: pg loaded plainly does load it on a Node without navigator.
    const plain = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(join(repo, 'node_modules', 'pg'))}); console.log(process.moduleLoadList.some((m) => m.includes('undici')))`,
      ],
      { encoding: 'utf8' },
    ).trim()
    expect(plain).toBe(String(!nodeHasNavigator))
  })
})
