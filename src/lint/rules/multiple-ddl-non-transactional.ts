import type { Rule } from './rule.js'

export const multipleDdlNonTransactional: Rule = {
  code: 'multiple-ddl-non-transactional',
  severity: 'warning',
  dialects: ['mysql'],
  catches: 'several DDL statements in one MySQL/MariaDB migration',
  fixSummary: 'one DDL statement per migration',
  check: (ctx) => {
    const ddl = ctx.statements.filter((s) => s.ddl)
    if (ddl.length < 2) return []
    return [
      {
        statement: ddl[1]!,
        message: `${ddl.length} DDL statements in one migration: MySQL/MariaDB commit each on its own, so a failure part way leaves the schema half changed with no rollback`,
        fix: 'put each DDL statement in a migration of its own, so a failure leaves a clean state to retry from',
      },
    ]
  },
}
