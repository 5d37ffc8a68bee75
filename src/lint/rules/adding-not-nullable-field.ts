import { type Rule, eachOp } from './rule.js'

export const addingNotNullableField: Rule = {
  code: 'adding-not-nullable-field',
  severity: 'warning',
  dialects: ['postgres'],
  catches: '`ALTER COLUMN … SET NOT NULL` on an existing table',
  fixSummary: 'a `CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE` it, then `SET NOT NULL`',
  check: (ctx) =>
    eachOp(ctx, 'set-not-null', (op) =>
      ctx.isNew(op.table)
        ? undefined
        : {
            message: `SET NOT NULL on ${op.table}.${op.column} scans the whole table under an ACCESS EXCLUSIVE lock: no reads or writes until it is done`,
            fix: `add CONSTRAINT ${op.column}_not_null CHECK (${op.column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET NOT NULL (PostgreSQL 12+ uses the check and skips the scan) and drop the check`,
          },
    ),
}
