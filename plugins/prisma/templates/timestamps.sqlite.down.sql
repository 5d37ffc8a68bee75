-- {{name}}: drop created_at and updated_at from {{table}}
{{guard}}
ALTER TABLE {{table}} DROP COLUMN created_at;
ALTER TABLE {{table}} DROP COLUMN updated_at;
