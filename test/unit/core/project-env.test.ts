import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { envOverrides, environmentName, projectEnv, withProjectEnv } from '../../../src/core/project-env.js'
import { tempDir } from '../../helpers.js'

const project = (dotenv: string): string => {
  const dir = join(tempDir(), 'svc')
  mkdirSync(dir)
  writeFileSync(join(dir, '.env'), dotenv)
  return dir
}

const names = ['MIG_T_URL', 'MIG_T_ONLY', 'MIG_T_ADDED', 'MIG_ENV', 'NODE_ENV'] as const
const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]))
afterEach(() => {
  for (const n of names) {
    if (saved[n] === undefined) Reflect.deleteProperty(process.env, n)
    else process.env[n] = saved[n]
  }
})

describe('the one .env rule', () => {
  it('an exported variable wins over the project’s .env, which fills in the rest', () => {
    const dir = project('MIG_T_URL=from-dotenv\nMIG_T_ONLY=only-here\n')
    process.env.MIG_T_URL = 'exported'
    expect(projectEnv(dir)).toMatchObject({ MIG_T_URL: 'exported', MIG_T_ONLY: 'only-here' })
    expect(envOverrides(dir)).toEqual([{ variable: 'MIG_T_URL', dotenv: 'from-dotenv' }])
    process.env.MIG_T_URL = 'from-dotenv'
    expect(envOverrides(dir)).toEqual([])
  })

  it('the environment name: --env, then the config, then MIG_ENV, then NODE_ENV (exported, else .env), then development', () => {
    const dir = project('NODE_ENV=production\n')
    delete process.env.NODE_ENV
    delete process.env.MIG_ENV
    expect(environmentName(dir, 'staging', 'qa')).toBe('staging')
    expect(environmentName(dir, undefined, 'qa')).toBe('qa')
    expect(environmentName(dir, undefined, undefined)).toBe('production')
    process.env.NODE_ENV = 'test'
    expect(environmentName(dir, undefined, undefined)).toBe('test')
    process.env.MIG_ENV = 'ci'
    expect(environmentName(dir, undefined, undefined)).toBe('ci')
    delete process.env.MIG_ENV
    delete process.env.NODE_ENV
    expect(environmentName(project(''), undefined, undefined)).toBe('development')
  })

  it('withProjectEnv lays the .env under process.env, puts back everything the code changed, and never lets two projects overlap', async () => {
    const a = project('MIG_T_URL=a\n')
    const b = project('MIG_T_URL=b\n')
    delete process.env.MIG_T_URL
    const seen: string[] = []
    const slow = (tag: string) => async () => {
      seen.push(`${tag} start ${process.env.MIG_T_URL}`)
      process.env.MIG_T_ADDED = tag
      await new Promise((r) => setTimeout(r, 20))
      seen.push(`${tag} end ${process.env.MIG_T_URL}`)
      return tag
    }
    expect(await Promise.all([withProjectEnv(a, slow('a')), withProjectEnv(b, slow('b'))])).toEqual(['a', 'b'])
    expect(seen).toEqual(['a start a', 'a end a', 'b start b', 'b end b'])
    expect(process.env.MIG_T_URL).toBeUndefined()
    expect(process.env.MIG_T_ADDED).toBeUndefined()
    process.env.MIG_T_URL = 'exported'
    expect(await withProjectEnv(a, () => process.env.MIG_T_URL)).toBe('exported')
    await expect(withProjectEnv(a, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await withProjectEnv(b, () => 'still serving')).toBe('still serving')
  })

  it('knows a call made inside another, again after every call settled (its AsyncLocalStorage is off in between)', async () => {
    const a = project('MIG_T_URL=a\n')
    const b = project('MIG_T_URL=b\n')
    for (let round = 0; round < 2; round++) {
      // Same project: runs inside the outer call, in its environment.
      expect(await withProjectEnv(a, () => withProjectEnv(a, () => process.env.MIG_T_URL))).toBe('a')
      // Another project inside: refused, not queued behind the call it is inside of (which would never end).
      await expect(withProjectEnv(a, () => withProjectEnv(b, () => 'b'))).rejects.toThrow(/inside withProjectEnv/)
      expect(process.env.MIG_T_URL).toBeUndefined()
    }
  })

  it('a call given up on (a config that hangs) settling during the next one leaves that one knowing what it is inside of', async () => {
    const a = project('MIG_T_URL=a\n')
    const b = project('MIG_T_URL=b\n')
    let settleA = (): void => undefined
    const hung = withProjectEnv(a, () => new Promise<string>((r) => (settleA = () => r('a late'))), 20)
    const inB = withProjectEnv(b, async () => {
      settleA()
      expect(await hung).toBe('a late')
      // a's call has ended while b's runs: b's own environment and nested-call check still hold.
      expect(process.env.MIG_T_URL).toBe('b')
      await expect(withProjectEnv(a, () => 'a')).rejects.toThrow(/inside withProjectEnv\(.*svc\)/)
      return withProjectEnv(b, () => process.env.MIG_T_URL)
    })
    expect(await inB).toBe('b')
    expect(process.env.MIG_T_URL).toBeUndefined()
  })
})
