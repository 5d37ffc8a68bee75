-- {{name}}: drop created_at and updated_at from {{table}}
{{guard}}
ALTER TABLE {{table}} DROP COLUMN IF EXISTS created_at, DROP COLUMN IF EXISTS updated_at;
