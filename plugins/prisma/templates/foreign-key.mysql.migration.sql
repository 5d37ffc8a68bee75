-- {{name}}: {{table}}.{{column}} references {{refTable}}.{{refColumn}} (integer: match {{refTable}}.{{refColumn}}'s type, signedness included).
-- MySQL/MariaDB index the column for the key themselves.
{{guard}}
ALTER TABLE {{table}}
  ADD COLUMN {{column}} integer NULL,
  ADD CONSTRAINT {{table}}_{{column}}_foreign FOREIGN KEY ({{column}}) REFERENCES {{refTable}} ({{refColumn}}) ON DELETE {{onDelete}} ON UPDATE {{onUpdate}};
