-- {{name}}: {{table}}.{{column}} references {{refTable}}.{{refColumn}}.
-- SQLite adds a foreign key to an existing table only with a new column (ALTER TABLE has no ADD CONSTRAINT),
-- and enforces it only where PRAGMA foreign_keys = ON.
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}} integer REFERENCES {{refTable}} ({{refColumn}}) ON DELETE {{onDelete}} ON UPDATE {{onUpdate}};
