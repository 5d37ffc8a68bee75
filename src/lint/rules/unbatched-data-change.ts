import { type Rule, allDialects, eachOp } from './rule.js'

export const unbatchedDataChange: Rule = {
  code: 'unbatched-data-change',
  severity: 'warning',
  dialects: allDialects,
  catches: '`UPDATE` / `DELETE` without `WHERE` on an existing table',
  fixSummary: 'batches by primary-key range, each in its own transaction',
  check: (ctx) => [
    ...eachOp(ctx, 'update', (op) => (op.where || ctx.isNew(op.table) ? undefined : hit('UPDATE', op.table))),
    ...eachOp(ctx, 'delete', (op) => (op.where || ctx.isNew(op.table) ? undefined : hit('DELETE', op.table))),
  ],
}

const hit = (verb: string, table: string) => ({
  message: `${verb} of every row of ${table} in one statement locks them all until it commits and, on a big table, runs long, bloats the table and lags replicas`,
  fix: 'change the rows in batches by primary-key range (WHERE id BETWEEN …), each batch its own transaction; `mig make NAME --template data-migration` writes one',
})
