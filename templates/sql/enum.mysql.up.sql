-- {{name}}: {{table}}.{{column}}, one of {{valuesSql}}
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}} ENUM({{valuesSql}}){{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}};
