import { type Rule, eachOp } from './rule.js'

export const addingFieldWithDefault: Rule = {
  code: 'adding-field-with-default',
  severity: 'warning',
  dialects: ['postgres'],
  catches: '`ADD COLUMN` with a volatile default (`random()`, `gen_random_uuid()`, `clock_timestamp()`, serial) on an existing table',
  fixSummary: 'add it without a default, set the default, backfill in batches',
  check: (ctx) =>
    eachOp(ctx, 'add-column', (op) =>
      !op.volatileDefault || ctx.isNew(op.table)
        ? undefined
        : {
            message: `the default ${op.volatileDefault} of ${op.table}.${op.column} is computed per row, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock (a constant default would be free on PostgreSQL 11+)`,
            fix: 'add the column without a default, then ALTER COLUMN … SET DEFAULT (new rows only), and backfill existing rows in batches',
          },
    ),
}
