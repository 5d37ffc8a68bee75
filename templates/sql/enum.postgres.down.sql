-- {{name}}: drop {{table}}.{{column}} and its type
{{guard}}
ALTER TABLE {{table}} DROP COLUMN IF EXISTS {{column}};
DROP TYPE IF EXISTS {{table}}_{{column}};
