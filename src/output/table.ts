import { stripVTControlCharacters } from 'node:util'

/**
 * A borderless table, headers in capitals, columns two spaces apart, as
 * `kubectl get` prints them. Hand-written: cli-table3 and its width tables
 * cost ~15 ms of start-up, and the cells here are names, ids and URLs.
 */
export function table(head: string[], rows: (string | number)[][]): string {
  const lines = [head.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(String))]
  const width = (s: string) => [...stripVTControlCharacters(s)].length
  const widths = head.map((_, i) => Math.max(...lines.map((l) => width(l[i] ?? ''))))
  return lines.map((l) => l.map((cell, i) => (i === l.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell) + 2))).join('').trimEnd()).join('\n')
}

export const ms = (n: number): string => (n < 1000 ? `${Math.round(n)}ms` : `${(n / 1000).toFixed(1)}s`)
