import { type Rule, allDialects, eachOp } from './rule.js'

export const banDropColumn: Rule = {
  code: 'ban-drop-column',
  severity: 'warning',
  dialects: allDialects,
  catches: '`DROP COLUMN` on an existing table (destructive)',
  fixSummary: 'stop using it in code first (ORM: ignore the column), deploy, then drop',
  check: (ctx) =>
    eachOp(ctx, 'drop-column', (op) =>
      ctx.isNew(op.table)
        ? undefined
        : {
            message: `DROP COLUMN ${op.table}.${op.column} deletes its data for good; running code that selects or writes it fails until it is deployed without it`,
            fix: 'stop reading and writing the column (tell the ORM to ignore it) in a release before this one, then drop it',
          },
    ),
}
