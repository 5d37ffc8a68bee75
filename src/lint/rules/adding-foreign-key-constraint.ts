import { type Rule, eachOp } from './rule.js'

const postgres = {
  message: (table: string) =>
    `adding a foreign key to ${table} locks it and the referenced table against writes while every row is checked`,
  fix: 'add the constraint with NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a later migration (a column with REFERENCES: add the column first, then the constraint that way)',
}
const mysql = {
  message: (table: string) =>
    `adding a foreign key to ${table} with foreign_key_checks on copies the whole table (ALGORITHM=COPY), blocking writes while it does`,
  fix: 'add it in a quiet window, or with an online schema change tool (gh-ost, pt-online-schema-change); SET foreign_key_checks = 0 allows INPLACE but skips checking existing rows',
}

export const addingForeignKeyConstraint: Rule = {
  code: 'adding-foreign-key-constraint',
  severity: 'warning',
  dialects: ['postgres', 'mysql'],
  catches: 'a foreign key added to an existing table (PostgreSQL: without `NOT VALID`)',
  fixSummary: 'PostgreSQL: `NOT VALID`, then `VALIDATE CONSTRAINT`; MySQL: an online schema change',
  check: (ctx) => {
    const advice = ctx.migration.dialect === 'postgres' ? postgres : mysql
    const hit = (table: string) => (ctx.isNew(table) ? undefined : { message: advice.message(table), fix: advice.fix })
    return [
      ...eachOp(ctx, 'add-constraint', (op) => (op.constraint === 'foreign-key' && !op.notValid ? hit(op.table) : undefined)),
      ...eachOp(ctx, 'add-column', (op) => (op.references ? hit(op.table) : undefined)),
    ]
  },
}
