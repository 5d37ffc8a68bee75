-- {{name}}: drop {{table}}.{{column}}
{{guard}}
ALTER TABLE {{table}} DROP COLUMN IF EXISTS {{column}};
