-- {{name}}: drop {{table}}.{{column}} and its foreign key
{{guard}}
ALTER TABLE {{table}} DROP COLUMN {{column}};
