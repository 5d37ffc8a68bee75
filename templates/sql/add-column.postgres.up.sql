-- {{name}}: {{table}}.{{column}}
{{guard}}
ALTER TABLE {{table}} ADD COLUMN IF NOT EXISTS {{column}} {{sqlType}}{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}};
