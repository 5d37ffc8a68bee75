import { type Rule, eachOp } from './rule.js'

export const requireConcurrentIndexCreation: Rule = {
  code: 'require-concurrent-index-creation',
  severity: 'error',
  dialects: ['postgres'],
  catches: '`CREATE INDEX` without `CONCURRENTLY` on an existing table',
  fixSummary: '`CREATE INDEX CONCURRENTLY`, outside a transaction',
  check: (ctx) =>
    eachOp(ctx, 'create-index', (op) =>
      op.concurrently || ctx.isNew(op.table)
        ? undefined
        : {
            message: `CREATE INDEX on ${op.table} blocks every INSERT, UPDATE and DELETE on it until the whole index is built: minutes of failed writes on a big table`,
            fix: "use CREATE INDEX CONCURRENTLY (it cannot run inside a transaction: turn the migration's transaction off)",
          },
    ),
}
