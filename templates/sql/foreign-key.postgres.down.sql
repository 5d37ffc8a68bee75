-- {{name}}: drop {{table}}.{{column}} and its foreign key
{{guard}}
ALTER TABLE {{table}} DROP CONSTRAINT IF EXISTS {{table}}_{{column}}_foreign;
ALTER TABLE {{table}} DROP COLUMN IF EXISTS {{column}};
