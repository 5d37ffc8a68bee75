import { stripVTControlCharacters } from 'node:util'
import { eastAsianWidth } from 'get-east-asian-width'

/**
 * A borderless table, headers in capitals, columns two spaces apart, as
 * `kubectl get` prints them. Hand-written: cli-table3 and its width tables
 * cost ~15 ms of start-up, and the cells here are names, ids and URLs.
 */
export function table(head: string[], rows: (string | number)[][]): string {
  const lines = [head.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(String))]
  const widths = head.map((_, i) => Math.max(...lines.map((l) => width(l[i] ?? ''))))
  return lines
    .map((l) =>
      l
        .map((cell, i) => (i === l.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell) + 2)))
        .join('')
        .trimEnd(),
    )
    .join('\n')
}

/** Combining marks, and format characters such as the zero-width joiner: they take no column. */
const zeroWidth = /^[\p{Mn}\p{Me}\p{Cf}]$/u

/**
 * The columns `text` takes on a terminal: colour codes take none, CJK and
 * other wide characters two (Unicode's East Asian Width, through
 * get-east-asian-width: string-width's emoji tables cost ~40 ms of
 * start-up, too much for `mig status`).
 */
export function width(text: string): number {
  const plain = stripVTControlCharacters(text)
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length
  let columns = 0
  for (const char of plain) {
    const code = char.codePointAt(0)!
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || zeroWidth.test(char)) continue
    columns += eastAsianWidth(code)
  }
  return columns
}

export const ms = (n: number): string => (n < 1000 ? `${Math.round(n)}ms` : `${(n / 1000).toFixed(1)}s`)

/** Bytes as people read them: 812 B, 4.2 KiB, 17.0 MiB, 1.03 GiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = n / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit >= 2 && value < 10 ? 2 : 1)} ${units[unit]}`
}
