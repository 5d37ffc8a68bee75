-- {{name}}: {{table}}.{{column}} becomes {{sqlType}}{{#setNotNull}} NOT NULL{{/setNotNull}}{{^setNotNull}} NULL{{/setNotNull}}; down.sql turns it back.
-- MODIFY restates the whole column: add its DEFAULT, COMMENT or collation here if it has them, or they are dropped.
{{guard}}
ALTER TABLE {{table}} MODIFY COLUMN {{column}} {{sqlType}}{{#setNotNull}} NOT NULL{{/setNotNull}}{{^setNotNull}} NULL{{/setNotNull}};
