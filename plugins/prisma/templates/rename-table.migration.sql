-- {{name}}: {{table}} becomes {{to}}. Code still using {{table}} fails from now on: deploy it first,
-- or leave a view under the old name (CREATE VIEW {{table}} AS SELECT * FROM {{to}}) while it moves over.
{{guard}}
ALTER TABLE {{table}} RENAME TO {{to}};
