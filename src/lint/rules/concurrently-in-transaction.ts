import type { Analyzed } from '../types.js'
import type { Rule } from './rule.js'

/** Each tool's way of running one migration outside a transaction. */
const fixes: Record<string, string> = {
  sql: 'add `-- mig:no-transaction` on a line of its own in the .up.sql file',
  knex: 'export `config = { transaction: false }` from the migration file (`exports.config = { transaction: false }` in CommonJS)',
  typeorm: 'set `transaction = false` on the migration class',
  sequelize:
    'do not wrap it in `queryInterface.sequelize.transaction()`, and leave the project\'s "transaction" option in mig.config unset (sequelize migrations then run without one)',
  prisma:
    'Prisma runs migration.sql in one transaction and cannot turn it off: create the index by hand (`CREATE INDEX CONCURRENTLY …` with psql), then record the migration with `mig resolve ID --applied`',
}

const concurrent = (s: Analyzed): boolean => s.ops.some((op) => (op.kind === 'create-index' || op.kind === 'drop-index') && op.concurrently)

export const concurrentlyInTransaction: Rule = {
  code: 'concurrently-in-transaction',
  severity: 'error',
  dialects: ['postgres'],
  catches: '`CREATE/DROP INDEX CONCURRENTLY` in a migration that runs in a transaction',
  fixSummary: "turn the migration's transaction off, the tool's way (see the message)",
  check: (ctx) =>
    ctx.migration.transactional
      ? ctx.statements.filter(concurrent).map((statement) => ({
          statement,
          message: 'CONCURRENTLY cannot run inside a transaction block: the migration fails at this statement in production',
          fix: fixes[ctx.migration.tool] ?? 'run this migration without a transaction',
        }))
      : [],
}
