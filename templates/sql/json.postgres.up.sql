-- {{name}}: {{table}}.{{column}} as jsonb (parsed once on write; indexable with GIN, queried with ->, ->> and @>)
{{guard}}
ALTER TABLE {{table}} ADD COLUMN IF NOT EXISTS {{column}} jsonb{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}};
