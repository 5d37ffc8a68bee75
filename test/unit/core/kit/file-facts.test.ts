import { chmodSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fileFacts } from '../../../../src/core/kit/file-facts.js'
import { tempDir } from '../../../helpers.js'

describe('fileFacts', () => {
  const setup = () => {
    const cache = tempDir()
    const project = { dir: tempDir() }
    const file = (name: string, text: string) => {
      writeFileSync(join(project.dir, name), text)
      return join(project.dir, name)
    }
    const open = (namespace = 'tool-v1') => fileFacts<string[]>(project, namespace, cache)
    /** One run that finds nothing about `path`, loads it (as a plugin would) and records `value`. */
    const remember = (path: string, value: string[]) => {
      const facts = open()
      facts.get(path)
      facts.set(path, value)
      facts.save()
    }
    return { cache, project, file, open, remember }
  }

  it('remembers what a run learned about a file, by its path and bytes, for the next run', () => {
    const { file, open } = setup()
    const a = file('a.js', 'one')
    const first = open()
    expect(first.get(a)).toBeUndefined()
    first.set(a, ['A'])
    first.save()
    expect(open().get(a)).toEqual(['A'])
    // Another namespace (another plugin, or another shape of facts) knows nothing of it.
    expect(open('tool-v2').get(a)).toBeUndefined()
  })

  it('forgets a file whose bytes or path changed', () => {
    const { project, file, open, remember } = setup()
    const a = file('a.js', 'one')
    remember(a, ['A'])
    file('a.js', 'two')
    expect(open().get(a)).toBeUndefined()
    file('a.js', 'one')
    expect(open().get(a)).toEqual(['A'])
    renameSync(a, join(project.dir, 'b.js'))
    expect(open().get(join(project.dir, 'b.js'))).toBeUndefined()
  })

  it('keeps nothing about a file that changed between get() and set() (edited while it loaded)', () => {
    const { file, open } = setup()
    const a = file('a.js', 'one')
    const facts = open()
    expect(facts.get(a)).toBeUndefined()
    file('a.js', 'two')
    facts.set(a, ['learned from one or two?'])
    facts.save()
    expect(open().get(a)).toBeUndefined()
  })

  it('has no facts about a file it cannot read, and records none', () => {
    const { project, open } = setup()
    const gone = join(project.dir, 'gone.js')
    const facts = open()
    expect(facts.get(gone)).toBeUndefined()
    facts.set(gone, ['G'])
    facts.save()
    expect(open().get(gone)).toBeUndefined()
  })

  it('keeps only the files the last run used', () => {
    const { cache, file, open } = setup()
    const a = file('a.js', 'a')
    const b = file('b.js', 'b')
    const first = open()
    for (const [f, v] of [
      [a, 'A'],
      [b, 'B'],
    ] as const) {
      first.get(f)
      first.set(f, [v])
    }
    first.save()
    const second = open()
    expect(second.get(a)).toEqual(['A'])
    second.save()
    const stored = readdirSync(join(cache, 'file-facts'))
    expect(stored).toHaveLength(1)
    expect(Object.keys((JSON.parse(readFileSync(join(cache, 'file-facts', stored[0]!), 'utf8')) as { facts: object }).facts)).toHaveLength(
      1,
    )
    expect(open().get(b)).toBeUndefined()
  })

  it("drops other projects' facts unused for 30 days when it writes its own", () => {
    const { cache, file, remember } = setup()
    mkdirSync(join(cache, 'file-facts'))
    const old = new Date(Date.now() - 31 * 24 * 3600 * 1000)
    for (const name of ['tool-v1-old.json', 'tool-v1-recent.json', 'tool-v1-x.json.1.ab.tmp'])
      writeFileSync(join(cache, 'file-facts', name), '{}')
    utimesSync(join(cache, 'file-facts', 'tool-v1-old.json'), old, old)
    utimesSync(join(cache, 'file-facts', 'tool-v1-x.json.1.ab.tmp'), old, old)
    const a = file('a.js', 'a')
    remember(a, ['A'])
    expect(readdirSync(join(cache, 'file-facts')).sort()).toEqual([
      expect.stringMatching(/^tool-v1-[0-9a-f]{16}\.json$/),
      'tool-v1-recent.json',
    ])
  })

  it('marks facts it used but did not change as used (once a day), so a project in daily use is never pruned', () => {
    const { cache, file, open, remember } = setup()
    const a = file('a.js', 'a')
    remember(a, ['A'])
    const [name] = readdirSync(join(cache, 'file-facts'))
    const store = join(cache, 'file-facts', name!)
    const old = new Date(Date.now() - 29 * 24 * 3600 * 1000)
    utimesSync(store, old, old)
    const second = open()
    expect(second.get(a)).toEqual(['A'])
    second.save()
    expect(Date.now() - statSync(store).mtimeMs).toBeLessThan(60_000)
  })

  it('treats a damaged, foreign or unwritable cache as empty, and never fails for it', () => {
    const { cache, file, open, remember } = setup()
    const a = file('a.js', 'a')
    remember(a, ['A'])
    const [name] = readdirSync(join(cache, 'file-facts'))
    writeFileSync(join(cache, 'file-facts', name!), '{"format":')
    expect(open().get(a)).toBeUndefined()
    // The same facts, written by another version's format.
    remember(a, ['A'])
    const good = readFileSync(join(cache, 'file-facts', name!), 'utf8')
    expect(good).toContain('"format":1')
    writeFileSync(join(cache, 'file-facts', name!), good.replace('"format":1', '"format":999'))
    expect(open().get(a)).toBeUndefined()
    writeFileSync(join(cache, 'file-facts', name!), good)
    expect(open().get(a)).toEqual(['A'])
    if (process.getuid?.() !== 0) {
      chmodSync(join(cache, 'file-facts'), 0o500)
      const ro = open()
      ro.get(a)
      ro.set(a, ['A'])
      expect(() => ro.save()).not.toThrow()
      chmodSync(join(cache, 'file-facts'), 0o700)
    }
    // A cache folder that is a file: nothing can be written there.
    const blocked = tempDir()
    writeFileSync(join(blocked, 'file-facts'), '')
    const nowhere = fileFacts<string[]>({ dir: tempDir() }, 'tool-v1', blocked)
    const b = file('b.js', 'b')
    nowhere.get(b)
    nowhere.set(b, ['B'])
    expect(() => nowhere.save()).not.toThrow()
    expect(readdirSync(blocked)).toEqual(['file-facts'])
  })
})
