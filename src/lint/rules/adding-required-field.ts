import type { Dialect } from '../../db/types.js'
import { type Rule, allDialects, eachOp } from './rule.js'

const outcome: Record<Dialect, string> = {
  postgres: 'fails with "column contains null values" as soon as the table has a row',
  mysql: "fills existing rows with the type's implicit default (0, '', a zero date) without a word, and rebuilds the table",
  sqlite: 'is refused by SQLite ("Cannot add a NOT NULL column with default value NULL") as soon as the table has a row',
}

export const addingRequiredField: Rule = {
  code: 'adding-required-field',
  severity: 'error',
  dialects: allDialects,
  catches: '`ADD COLUMN … NOT NULL` without a default on an existing table',
  fixSummary: 'add it nullable (or with a default), backfill in batches, then set NOT NULL',
  check: (ctx) =>
    eachOp(ctx, 'add-column', (op) =>
      !op.notNull || op.hasDefault || ctx.isNew(op.table)
        ? undefined
        : {
            message: `adding NOT NULL column ${op.table}.${op.column} without a default ${outcome[ctx.migration.dialect]}`,
            fix: 'add the column nullable (or with a constant DEFAULT), backfill it in batches, then make it NOT NULL in a later migration',
          },
    ),
}
