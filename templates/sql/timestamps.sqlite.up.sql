-- {{name}}: created_at and updated_at on {{table}}. SQLite adds no column whose default is not a constant
-- (CURRENT_TIMESTAMP), so they come without one: existing rows get the time of the migration, new rows need the
-- application to set them (or rebuild the table with DEFAULT CURRENT_TIMESTAMP).
{{guard}}
ALTER TABLE {{table}} ADD COLUMN created_at datetime;
ALTER TABLE {{table}} ADD COLUMN updated_at datetime;
UPDATE {{table}} SET created_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP;
