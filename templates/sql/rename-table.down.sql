-- {{name}}: {{to}} back to {{table}}
{{guard}}
ALTER TABLE {{to}} RENAME TO {{table}};
