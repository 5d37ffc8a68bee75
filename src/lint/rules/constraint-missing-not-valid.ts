import { type Rule, eachOp } from './rule.js'

export const constraintMissingNotValid: Rule = {
  code: 'constraint-missing-not-valid',
  severity: 'warning',
  dialects: ['postgres'],
  catches: '`ADD CONSTRAINT … CHECK` without `NOT VALID` on an existing table',
  fixSummary: 'add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration',
  check: (ctx) =>
    eachOp(ctx, 'add-constraint', (op) =>
      op.constraint !== 'check' || op.notValid || ctx.isNew(op.table)
        ? undefined
        : {
            message: `adding a CHECK constraint to ${op.table} scans every row under an ACCESS EXCLUSIVE lock: no reads or writes until it is done`,
            fix: 'add it with NOT VALID (instant, checks new rows only), then ALTER TABLE … VALIDATE CONSTRAINT in a later migration (only a light lock)',
          },
    ),
}
