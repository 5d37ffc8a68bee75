import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checksumFiles, checksumStore, trustedFileSystem } from '../../../src/core/checksum.js'
import { tempDir } from '../../helpers.js'

describe('checksumFiles', () => {
  it('ignores CRLF versus LF, and sees every other change', async () => {
    const dir = tempDir()
    const [a, b, c] = ['a.sql', 'b.sql', 'c.sql'].map((f) => join(dir, f)) as [string, string, string]
    writeFileSync(a, 'CREATE TABLE t (id int);\nSELECT 1;\n')
    writeFileSync(b, 'CREATE TABLE t (id int);\r\nSELECT 1;\r\n')
    writeFileSync(c, 'CREATE TABLE t (id int);\nSELECT 2;\n')
    expect(await checksumFiles([a])).toBe(await checksumFiles([b]))
    expect(await checksumFiles([a])).not.toBe(await checksumFiles([c]))
    expect(await checksumFiles([a])).toMatch(/^[0-9a-f]{64}$/)
  })
})

/** Kernels before Linux 6.13 move a file's change time once a clock tick (up to 10 ms): wait one out between two writes. */
const nextTick = () => new Promise((r) => setTimeout(r, 25))
const ctime = (file: string) => statSync(file, { bigint: true }).ctimeNs

// The cache trusts only local Linux file systems; the temporary folder is one on any machine that runs these tests.
describe.runIf(trustedFileSystem(join(tempDir(), 'x')))('checksumStore (the drift check’s cache)', () => {
  const fake = 'f'.repeat(64)
  /** racyMs 0: files written by the test count as settled at once (the default waits 3 s). */
  const setup = (racyMs = 0) => {
    const cache = tempDir()
    const project = tempDir()
    const file = (name: string, text: string) => {
      writeFileSync(join(project, name), text)
      return join(project, name)
    }
    // Each call is a new run: the store as the last run saved it.
    const run = () => checksumStore(project, cache, racyMs)
    const storeFile = () => {
      const dir = join(cache, 'checksums')
      return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : []
    }
    /** Run once and save, then put a wrong checksum in the store under the files' current identities. */
    const plant = (files: string[]) => {
      const first = run()
      first.of(files)
      first.save()
      const [path] = storeFile()
      const stored = JSON.parse(readFileSync(path!, 'utf8')) as { sums: Record<string, [string, string]> }
      const entry = stored.sums[files.join('\0')]!
      writeFileSync(path!, JSON.stringify({ ...stored, sums: { [files.join('\0')]: [entry[0], fake] } }))
    }
    return { cache, project, file, run, storeFile, plant }
  }

  it('answers as checksumFiles does, and the next run answers from the store while the files are untouched', async () => {
    const { file, run, plant } = setup()
    const up = file('1_a.up.sql', 'CREATE TABLE a (id int);\n')
    const down = file('1_a.down.sql', 'DROP TABLE a;\n')
    expect(run().of([up, down])).toBe(await checksumFiles([up, down]))
    // A wrong sum planted under the same identities is believed: the store answered, the files were not read.
    plant([up, down])
    expect(run().of([up, down])).toBe(fake)
  })

  it('reads a file again after any write, even one that keeps its size and puts its modification time back', async () => {
    const { file, run, plant } = setup()
    const up = file('1_a.up.sql', 'CREATE TABLE a (id int);\n')
    // Whole seconds, so that putting them back gives the same times to the nanosecond.
    const hourAgo = Math.floor(Date.now() / 1000) - 3600
    utimesSync(up, hourAgo, hourAgo)
    plant([up])
    const planted = ctime(up)
    await nextTick()
    writeFileSync(up, 'CREATE TABLE b (id int);\n')
    utimesSync(up, hourAgo, hourAgo)
    expect(statSync(up, { bigint: true }).mtimeNs).toBe(BigInt(hourAgo) * 1_000_000_000n)
    expect(ctime(up)).not.toBe(planted)
    expect(run().of([up])).toBe(await checksumFiles([up]))
  })

  it('reads a file again when another took its place (a checkout, a restore)', async () => {
    const { file, project, run, plant } = setup()
    const up = file('1_a.up.sql', 'CREATE TABLE a (id int);\n')
    const hourAgo = Math.floor(Date.now() / 1000) - 3600
    utimesSync(up, hourAgo, hourAgo)
    plant([up])
    await nextTick()
    const other = file('other.sql', 'CREATE TABLE b (id int);\n')
    utimesSync(other, hourAgo, hourAgo)
    renameSync(other, join(project, '1_a.up.sql'))
    expect(run().of([up])).toBe(await checksumFiles([up]))
  })

  it('keeps what a run did not ask about (a fresh database validates nothing), and drops migrations whose files are gone', async () => {
    const { file, run, plant, storeFile } = setup()
    const a = file('1_a.up.sql', 'CREATE TABLE a (id int);\n')
    const b = file('2_b.up.sql', 'CREATE TABLE b (id int);\n')
    plant([a])
    // A run that asked about nothing, and one that learned only b: a's planted entry is still believed.
    run().save()
    const learnsB = run()
    learnsB.of([b])
    learnsB.save()
    expect(run().of([a])).toBe(fake)
    expect(Object.keys(JSON.parse(readFileSync(storeFile()[0]!, 'utf8')).sums as object)).toEqual([a, b])
    // a deleted: the next write drops it.
    rmSync(a)
    const c = file('3_c.up.sql', 'CREATE TABLE c (id int);\n')
    const learnsC = run()
    learnsC.of([c])
    learnsC.save()
    expect(Object.keys(JSON.parse(readFileSync(storeFile()[0]!, 'utf8')).sums as object)).toEqual([b, c])
  })

  it('never keeps a file of a file system it does not trust (/proc here; NFS, FUSE, FAT in use)', () => {
    const { run, storeFile } = setup()
    const remote = '/proc/version'
    expect(trustedFileSystem(remote)).toBe(false)
    const first = run()
    expect(first.of([remote])).toMatch(/^[0-9a-f]{64}$/)
    first.save()
    expect(storeFile()).toEqual([])
  })

  it('never keeps a file changed in the last seconds: a second write in the same clock tick would look the same', () => {
    const { file, run, storeFile } = setup(3000)
    const up = file('1_a.up.sql', 'CREATE TABLE a (id int);\n')
    const first = run()
    first.of([up])
    first.save()
    expect(storeFile()).toEqual([])
  })

  it('treats a store that is unreadable, of another format or of another project as empty', async () => {
    const { file, run, plant, storeFile } = setup()
    const up = file('1_a.up.sql', 'CREATE TABLE a (id int);\n')
    const sum = await checksumFiles([up])
    plant([up])
    const [path] = storeFile()
    const planted = JSON.parse(readFileSync(path!, 'utf8')) as Record<string, unknown>
    for (const text of ['{not json', JSON.stringify({ ...planted, format: 99 }), JSON.stringify({ ...planted, project: '/elsewhere' })]) {
      writeFileSync(path!, text)
      expect(run().of([up])).toBe(sum)
    }
  })
})
