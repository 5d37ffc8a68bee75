-- {{name}}: created_at and updated_at on {{table}}; existing rows get the time of the migration, updated_at follows every update
{{guard}}
ALTER TABLE {{table}}
  ADD COLUMN created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP;
