import { type Rule, eachOp } from './rule.js'

export const disallowedUniqueConstraint: Rule = {
  code: 'disallowed-unique-constraint',
  severity: 'warning',
  dialects: ['postgres'],
  catches: '`ADD CONSTRAINT … UNIQUE` (not `USING INDEX`) on an existing table',
  fixSummary: '`CREATE UNIQUE INDEX CONCURRENTLY`, then `ADD CONSTRAINT … UNIQUE USING INDEX`',
  check: (ctx) =>
    eachOp(ctx, 'add-constraint', (op) =>
      op.constraint !== 'unique' || op.usingIndex || ctx.isNew(op.table)
        ? undefined
        : {
            message: `adding a UNIQUE constraint to ${op.table} builds its index under an ACCESS EXCLUSIVE lock: no reads or writes until it is built`,
            fix: 'CREATE UNIQUE INDEX CONCURRENTLY first (without a transaction), then ALTER TABLE … ADD CONSTRAINT name UNIQUE USING INDEX index_name',
          },
    ),
}
