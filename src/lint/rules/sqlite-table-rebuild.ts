import { type Rule, eachOp, key } from './rule.js'

export const sqliteTableRebuild: Rule = {
  code: 'sqlite-table-rebuild',
  severity: 'warning',
  dialects: ['sqlite'],
  catches: 'a table dropped and built again (copy to a new table, drop, rename; what tools do for `renameColumn`, `changeColumn`)',
  fixSummary: 'recreate every index and trigger of the table in the same migration',
  check: (ctx) =>
    eachOp(ctx, 'drop-table', (op) => {
      const tables = op.tables.filter((t) => ctx.rebuilt.has(key(t)))
      if (!tables.length) return undefined
      const reindexed = tables.filter((t) =>
        ctx.statements.some((s) => s.ops.some((o) => o.kind === 'create-index' && key(o.table) === key(t))),
      )
      return {
        message: `${tables.join(', ')} is rebuilt (dropped and created again): its indexes and triggers go with the old table${reindexed.length === tables.length ? ' (this migration creates indexes on it again: check that none is missing, and the triggers)' : ', and this migration does not create them again'}; with foreign keys on, the DROP first deletes every row, firing ON DELETE actions (CASCADE) in the tables that reference it`,
        fix: 'recreate every index and trigger the table had, in the same migration, after the rebuild; run it with PRAGMA foreign_keys = OFF (outside a transaction) when other tables reference it',
      }
    }),
}
