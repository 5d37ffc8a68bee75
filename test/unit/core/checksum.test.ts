import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checksumFiles } from '../../../src/core/checksum.js'
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
