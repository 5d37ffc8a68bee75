-- {{name}}: {{table}}.{{column}} as JSON (MariaDB keeps it as text with a json_valid check; queried with JSON_VALUE, ->>)
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}} json{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}};
