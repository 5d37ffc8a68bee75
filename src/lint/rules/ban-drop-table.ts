import { type Rule, allDialects, eachOp, key } from './rule.js'

export const banDropTable: Rule = {
  code: 'ban-drop-table',
  severity: 'warning',
  dialects: allDialects,
  catches: '`DROP TABLE` of an existing table (destructive)',
  fixSummary: 'stop using it in code first, deploy, back up, then drop',
  check: (ctx) =>
    eachOp(ctx, 'drop-table', (op) => {
      // A table dropped and built again (SQLite's rebuild) is sqlite-table-rebuild's business.
      const dropped = op.tables.filter((t) => !ctx.isNew(t) && !ctx.rebuilt.has(key(t)))
      return dropped.length
        ? {
            message: `DROP TABLE ${dropped.join(', ')} deletes the table and its data for good; code still reading it fails at once`,
            fix: 'remove every use of the table in a release before this one, take a backup (`mig backup`), then drop it',
          }
        : undefined
    }),
}
