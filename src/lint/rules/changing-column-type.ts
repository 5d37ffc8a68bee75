import { type Rule, eachOp } from './rule.js'

export const changingColumnType: Rule = {
  code: 'changing-column-type',
  severity: 'warning',
  dialects: ['postgres', 'mysql'],
  catches: 'a column type change (`ALTER COLUMN … TYPE`, MySQL `MODIFY`/`CHANGE`) on an existing table',
  fixSummary: 'a new column, dual writes and a backfill, then switch over',
  check: (ctx) =>
    eachOp(ctx, 'change-type', (op) =>
      ctx.isNew(op.table)
        ? undefined
        : {
            message:
              ctx.migration.dialect === 'postgres'
                ? `changing the type of ${op.table}.${op.column} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock (unless the new type is binary-compatible, such as a longer varchar)`
                : `MODIFY/CHANGE of ${op.table}.${op.column} usually copies the whole table, blocking writes while it does (unless the change can be done in place, such as a longer VARCHAR)`,
            fix: 'add a new column of the new type, write to both, backfill in batches, switch reads, then drop the old column',
          },
    ),
}
