import { type Rule, allDialects, eachOp } from './rule.js'

export const renamingTable: Rule = {
  code: 'renaming-table',
  severity: 'warning',
  dialects: allDialects,
  catches: '`RENAME TABLE` / `ALTER TABLE … RENAME TO` of an existing table',
  fixSummary: 'a new table (or a view under the old name) while code moves over',
  check: (ctx) =>
    eachOp(ctx, 'rename-table', (op) =>
      ctx.isNew(op.from)
        ? undefined
        : {
            message: `renaming ${op.from} to ${op.to} breaks every running instance that still uses the old name, from the moment it commits until the new code is deployed`,
            fix: 'create the new table (or rename and leave a view under the old name), move the code over, then drop the old name in a later migration',
          },
    ),
}
