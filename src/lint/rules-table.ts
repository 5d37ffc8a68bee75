import { rules } from './rules/index.js'

const dialectNames = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB', sqlite: 'SQLite' } as const

/** The README's rules table, made from the rules themselves so the two cannot drift apart. */
export function rulesTable(): string {
  const rows = rules.map((r) => {
    const where = r.dialects.length === 3 ? 'all' : r.dialects.map((d) => dialectNames[d]).join(', ')
    return `| \`${r.code}\` | ${r.catches} | ${where} | ${r.fixSummary} | ${r.severity} |`
  })
  return ['| code | catches | dialects | fix | default |', '|---|---|---|---|---|', ...rows].join('\n')
}
