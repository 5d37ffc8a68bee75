-- {{name}}: drop {{table}}.{{column}}
{{guard}}
ALTER TABLE {{table}} DROP COLUMN {{column}};
