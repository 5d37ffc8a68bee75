-- {{name}}: drop {{table}}.{{column}} and its foreign key
{{guard}}
ALTER TABLE {{table}} DROP FOREIGN KEY {{table}}_{{column}}_foreign, DROP COLUMN {{column}};
