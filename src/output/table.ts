import Table from 'cli-table3'

/** A borderless table, headers in capitals, as `kubectl get` prints them. */
export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({
    head: head.map((h) => h.toUpperCase()),
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  })
  t.push(...rows.map((r) => r.map(String)))
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n')
}

export const ms = (n: number): string => (n < 1000 ? `${Math.round(n)}ms` : `${(n / 1000).toFixed(1)}s`)
