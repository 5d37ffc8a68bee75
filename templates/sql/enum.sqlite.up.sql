-- {{name}}: {{table}}.{{column}}, one of {{valuesSql}}: SQLite has no enum type, a CHECK keeps the values
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}} text{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}} CHECK ({{column}} IN ({{valuesSql}}));
