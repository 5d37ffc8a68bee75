-- {{name}}: {{table}}.{{column}} as JSON: SQLite keeps JSON as text, so a CHECK refuses what json_valid does not accept (queried with ->, ->>, json_extract)
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}} text{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}} CHECK (json_valid({{column}}));
