{{#setNotNull}}
{{cannot: SQLite cannot make an existing column NOT NULL without rebuilding the whole table; leave out --no-nullable to change the type only}}
{{/setNotNull}}
{{#dropNotNull}}
{{cannot: SQLite cannot drop NOT NULL from a column without rebuilding the whole table; leave out --nullable to change the type only}}
{{/dropNotNull}}
-- {{name}}: {{table}}.{{column}} becomes {{sqlType}}; the down file turns it back.
-- SQLite has no ALTER COLUMN: a new column takes the values, the old one is dropped, the new one takes its name.
-- DROP COLUMN refuses a column that is indexed, in a key or constraint, or used by a view or trigger: then rebuild
-- the table instead (CREATE TABLE new_{{table}} …; INSERT INTO new_{{table}} SELECT …; DROP TABLE {{table}}; ALTER TABLE new_{{table}} RENAME TO {{table}}).
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}}__new {{sqlType}};
UPDATE {{table}} SET {{column}}__new = CAST({{column}} AS {{sqlType}});
ALTER TABLE {{table}} DROP COLUMN {{column}};
ALTER TABLE {{table}} RENAME COLUMN {{column}}__new TO {{column}};
