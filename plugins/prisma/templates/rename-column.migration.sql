-- {{name}}: {{table}}.{{column}} becomes {{to}}. Code still using {{column}} fails from now on: deploy it first.
{{guard}}
ALTER TABLE {{table}} RENAME COLUMN {{column}} TO {{to}};
