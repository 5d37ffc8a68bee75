import { type Rule, allDialects, eachOp } from './rule.js'

export const renamingColumn: Rule = {
  code: 'renaming-column',
  severity: 'warning',
  dialects: allDialects,
  catches: '`RENAME COLUMN` (and MySQL `CHANGE old new`) on an existing table',
  fixSummary: 'add the new column, write both, backfill, move reads, drop the old',
  check: (ctx) =>
    eachOp(ctx, 'rename-column', (op) =>
      ctx.isNew(op.table)
        ? undefined
        : {
            message: `renaming ${op.table}.${op.from} to ${op.to} breaks every running instance that still uses the old name until the new code is deployed`,
            fix: 'add the new column, write to both, backfill, move reads to it, then drop the old column in a later migration',
          },
    ),
}
