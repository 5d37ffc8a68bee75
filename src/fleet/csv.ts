/**
 * Rows of a CSV file with a header row (RFC 4180: quoted fields, doubled
 * quotes, CRLF or LF), as objects keyed by the header. Small on purpose: a
 * targets file is a few columns of names and URLs.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  let i = 0
  const body = text.replace(/^\uFEFF/, '')
  const endField = () => {
    record.push(field)
    field = ''
  }
  const endRecord = () => {
    endField()
    if (record.some((f) => f.trim() !== '')) records.push(record)
    record = []
  }
  while (i < body.length) {
    const c = body[i]!
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (c === ',') endField()
    else if (c === '\n') endRecord()
    else if (c !== '\r') field += c
    i++
  }
  if (quoted) throw new Error('a quoted field is not closed')
  if (field !== '' || record.length) endRecord()
  const [head, ...rows] = records
  if (!head) return []
  const keys = head.map((h) => h.trim().toLowerCase())
  return rows.map((r, n) => {
    if (r.length > keys.length) throw new Error(`row ${n + 1} has ${r.length} fields, the header ${keys.length}`)
    return Object.fromEntries(keys.map((k, j) => [k, (r[j] ?? '').trim()]))
  })
}
