-- {{name}}: {{table}}.{{column}} references {{refTable}}.{{refColumn}} (integer: match {{refTable}}.{{refColumn}}'s type if it is not).
-- NOT VALID adds the constraint without scanning {{table}} under a lock; VALIDATE then checks the rows with a lighter one.
-- PostgreSQL does not index a foreign key: add one with the add-index template (CONCURRENTLY) if you join or delete by it.
{{guard}}
ALTER TABLE {{table}} ADD COLUMN IF NOT EXISTS {{column}} integer;
ALTER TABLE {{table}} ADD CONSTRAINT {{table}}_{{column}}_foreign FOREIGN KEY ({{column}}) REFERENCES {{refTable}} ({{refColumn}}) ON DELETE {{onDelete}} ON UPDATE {{onUpdate}} NOT VALID;
ALTER TABLE {{table}} VALIDATE CONSTRAINT {{table}}_{{column}}_foreign;
