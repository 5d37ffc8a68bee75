import { type Rule, allDialects } from './rule.js'

const fixes: Record<string, string> = {
  sql: 'add the matching NNN_name.down.sql file that undoes it',
  knex: 'export a down(knex) that undoes what up does',
  typeorm: 'implement down(queryRunner) so it undoes what up does',
  sequelize: 'implement down(queryInterface, Sequelize) so it undoes what up does',
  prisma: 'add down.sql beside migration.sql in the migration folder',
}

export const missingDown: Rule = {
  code: 'missing-down',
  severity: 'error',
  dialects: allDialects,
  catches: 'a migration with no down (irreversible)',
  fixSummary: "write the down: `.down.sql`, `down()`, or Prisma's `down.sql`",
  check: (ctx) =>
    ctx.migration.reversible
      ? []
      : [
          {
            message:
              'this migration has no down: if it goes wrong in production, `mig down` cannot undo it and the way back is a restore from backup',
            fix: fixes[ctx.migration.tool] ?? 'give the migration a down that undoes it',
          },
        ],
}
