-- {{name}}: {{table}}.{{column}} = {{setSql}}.
-- Not in batches: SQLite's SQL has no loop, so a plain-SQL file is one UPDATE in the file's transaction (SQLite lets
-- one writer in at a time; in WAL mode readers go on). It touches only rows whose {{column}} IS NULL, so it is safe
-- to run again. For a table too big for one transaction, use a tool that loops in code (the knex, TypeORM or
-- Sequelize data-migration templates batch by primary key).
{{guard}}
UPDATE {{table}} SET {{column}} = {{setSql}} WHERE {{column}} IS NULL;
