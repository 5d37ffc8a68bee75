import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { amount, metered, watchingFile } from '../../../src/backup/progress.js'
import { runTool } from '../../../src/backup/tools.js'
import { useProgress } from '../../../src/output/progress.js'

const dir = mkdtempSync(join(tmpdir(), 'mig-progress-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => useProgress('off'))

function sink() {
  const lines: string[] = []
  const stream = { write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WriteStream
  return { lines, stream }
}

const MiB = 1024 * 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('bytes and rate', () => {
  it('so far, of the whole when known, per second', () => {
    expect(amount(12 * MiB, undefined, 3000)).toBe('12.0 MiB, 4.0 MiB/s (3.0s)')
    expect(amount(10 * MiB, 40 * MiB, 2000)).toBe('10.0 MiB of 40.0 MiB (25%), 5.0 MiB/s (2.0s)')
    expect(amount(0, undefined, 1500)).toBe('0 B (1.5s)')
    expect(amount(0, 40 * MiB, 1500)).toBe('0 B of 40.0 MiB (0%) (1.5s)')
    expect(amount(40 * MiB, 40 * MiB, 9000)).toBe('all 40.0 MiB read, finishing (9.0s)')
  })
})

describe('a dump shows the size of the file it writes', () => {
  it('as the file grows, whatever writes it', async () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 300, everyMs: 300 })
    const file = join(dir, 'dump.partial')
    const result = await watchingFile(file, 'backing up sqlite:app.db', async () => {
      for (let i = 0; i < 8; i++) {
        await appendFile(file, Buffer.alloc(MiB))
        await sleep(100)
      }
      return 'done'
    })
    expect(result).toBe('done')
    expect(lines.length).toBeGreaterThanOrEqual(1)
    for (const line of lines) expect(line).toMatch(/^backing up sqlite:app\.db: \d+\.\d MiB, [\d.]+ MiB\/s \(\d+\.\ds\)\n$/)
    const sizes = lines.map((l) => Number(/: ([\d.]+) MiB/.exec(l)![1]))
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b))
  })

  it('measures nothing when nothing shows progress (--json)', async () => {
    useProgress('off')
    expect(await watchingFile(join(dir, 'none'), 'x', () => Promise.resolve(1))).toBe(1)
  })
})

describe('a restore shows the bytes fed to the loading tool', () => {
  it('counted as they go into the tool, of the dump size', async () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 30, everyMs: 30 })
    const file = join(dir, 'dump')
    writeFileSync(file, Buffer.alloc(3 * MiB, 7))
    // One byte more than the file: every byte fed is counted, once.
    await metered('restoring into sqlite:app.db', 3 * MiB + 1, async () => {
      // A real tool reading its stdin to the end, as pg_restore and mariadb do.
      const r = await runTool({ command: 'wc', args: ['-c'], stdinFrom: createReadStream(file) })
      expect(r.stdout.trim()).toBe(String(3 * MiB))
      // The line drawn next has everything fed counted.
      await sleep(100)
    })
    expect(lines.at(-1)).toMatch(/^restoring into sqlite:app\.db: 3\.0 MiB of 3\.0 MiB \(99%\), [\d.]+ [KMG]iB\/s \(\d+\.\ds\)\n$/)
  })

  it('outside a restore, a tool is fed without counting', async () => {
    const { lines, stream } = sink()
    useProgress('plain', { stream, firstMs: 0, everyMs: 10 })
    const file = join(dir, 'dump2')
    writeFileSync(file, 'x')
    await runTool({ command: 'wc', args: ['-c'], stdinFrom: createReadStream(file) })
    expect(lines).toEqual([])
  })
})
