import { type Rule, eachOp } from './rule.js'

export const requireConcurrentIndexDeletion: Rule = {
  code: 'require-concurrent-index-deletion',
  severity: 'warning',
  dialects: ['postgres'],
  catches: '`DROP INDEX` without `CONCURRENTLY`',
  fixSummary: '`DROP INDEX CONCURRENTLY`, outside a transaction',
  check: (ctx) =>
    eachOp(ctx, 'drop-index', (op) =>
      op.concurrently || op.indexes.every((i) => ctx.isNewIndex(i))
        ? undefined
        : {
            message: `DROP INDEX ${op.indexes.join(', ')} takes an ACCESS EXCLUSIVE lock on the table: it waits for running queries and blocks all reads and writes behind it`,
            fix: "use DROP INDEX CONCURRENTLY (it cannot run inside a transaction: turn the migration's transaction off)",
          },
    ),
}
