-- {{name}}: drop created_at and updated_at from {{table}}
{{guard}}
ALTER TABLE {{table}} DROP COLUMN created_at, DROP COLUMN updated_at;
