-- {{name}}: {{table}}.{{column}}, one of {{valuesSql}}, as a PostgreSQL enum type {{table}}_{{column}}.
-- A value is added later with ALTER TYPE {{table}}_{{column}} ADD VALUE '…' (it cannot be removed without a new type).
{{guard}}
CREATE TYPE {{table}}_{{column}} AS ENUM ({{valuesSql}});
ALTER TABLE {{table}} ADD COLUMN IF NOT EXISTS {{column}} {{table}}_{{column}}{{#notNull}} NOT NULL{{/notNull}}{{#default}} DEFAULT {{defaultSql}}{{/default}};
