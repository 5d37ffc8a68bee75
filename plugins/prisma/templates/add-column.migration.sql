-- {{name}}: {{table}}.{{column}}
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}} {{sqlType}}{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}};
