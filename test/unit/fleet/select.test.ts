import { describe, expect, it } from 'vitest'
import { parseShard, select, shardOf, targetNames } from '../../../src/fleet/select.js'

const units = (names: string[]) => names.map((name) => ({ key: name, target: { name } }))
const names = Array.from({ length: 1000 }, (_, i) => `tenant-${i}`)

describe('--shard', () => {
  it('the shards of a list cover every target exactly once, for several N', () => {
    for (const count of [1, 2, 3, 7, 16]) {
      const seen = new Map<string, number>()
      for (let index = 0; index < count; index++) {
        for (const u of select(units(names), { shard: { index, count } })) seen.set(u.key, (seen.get(u.key) ?? 0) + 1)
      }
      expect(seen.size).toBe(names.length)
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
    }
  })

  it("follows the name, not the position: adding and removing targets moves no other target's shard", () => {
    const before = new Map(names.map((n) => [n, shardOf(n, 5)]))
    const changed = ['new-one', ...names.slice(100), 'another'].filter((n) => before.has(n) && shardOf(n, 5) !== before.get(n))
    expect(changed).toEqual([])
    const shard = select(units(['x', ...names.slice(0, 10)]), { shard: { index: shardOf('tenant-3', 5), count: 5 } })
    expect(shard.map((u) => u.key)).toContain('tenant-3')
  })

  it('spreads names about evenly', () => {
    const sizes = [0, 1, 2, 3].map((index) => select(units(names), { shard: { index, count: 4 } }).length)
    for (const size of sizes) expect(size).toBeGreaterThan(200)
  })

  it('parses I/N with 0 ≤ I < N and refuses the rest with a usage error', () => {
    expect(parseShard('0/3')).toEqual({ index: 0, count: 3 })
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 })
    for (const bad of ['3/3', '4/3', '1/0', '-1/3', 'a/b', '1', '1/2/3', '']) {
      expect(() => parseShard(bad), bad).toThrow(expect.objectContaining({ code: 'SHARD_INVALID', exit: 2 }))
    }
  })
})

describe('--targets and --match', () => {
  const fleet = units(['acme', 'acme-eu', 'globex', 'initech'])

  it('--targets keeps the named targets in fleet order; commas and repeats both list', () => {
    expect(targetNames(['globex,acme', ' initech '])).toEqual(['globex', 'acme', 'initech'])
    expect(select(fleet, { names: ['globex', 'acme'] }).map((u) => u.key)).toEqual(['acme', 'globex'])
  })

  it('--match is a glob on the name; with --targets, what both keep', () => {
    expect(select(fleet, { match: 'acme*' }).map((u) => u.key)).toEqual(['acme', 'acme-eu'])
    expect(select(fleet, { names: ['acme-eu', 'globex'], match: 'acme*' }).map((u) => u.key)).toEqual(['acme-eu'])
  })

  it('an unknown name says which, and what was meant', () => {
    expect(() => select(fleet, { names: ['acme', 'globx'] })).toThrow(
      expect.objectContaining({
        code: 'TARGET_UNKNOWN',
        message: 'unknown target "globx"',
        hint: expect.stringContaining('did you mean globex?'),
      }),
    )
    expect(() => select(fleet, { match: 'zz*' })).toThrow(expect.objectContaining({ code: 'TARGET_NO_MATCH' }))
  })
  it('an empty --targets (an unset variable) or --match is a usage error, never every target', () => {
    expect(() => select(fleet, { names: targetNames(['']) ?? [] })).toThrow(expect.objectContaining({ code: 'TARGETS_EMPTY' }))
    expect(() => select(fleet, { names: targetNames([' , ']) ?? [] })).toThrow(expect.objectContaining({ code: 'TARGETS_EMPTY' }))
    expect(() => select(fleet, { match: '' })).toThrow(expect.objectContaining({ code: 'TARGET_NO_MATCH', message: '--match is empty' }))
  })

  it('projects without targets are kept by --shard alone (by their name) and dropped by --targets/--match', () => {
    const mixed = [...fleet, { key: 'billing', target: undefined }]
    expect(select(mixed, { names: ['acme'] }).map((u) => u.key)).toEqual(['acme'])
    const owner = shardOf('billing', 3)
    expect(select(mixed, { shard: { index: owner, count: 3 } }).some((u) => u.key === 'billing')).toBe(true)
  })
})
