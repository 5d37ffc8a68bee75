-- {{name}}: {{table}}.{{to}} back to {{column}}
{{guard}}
ALTER TABLE {{table}} RENAME COLUMN {{to}} TO {{column}};
