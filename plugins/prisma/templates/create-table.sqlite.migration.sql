-- {{name}}: {{table}} with an id, a unique name, timestamps and an index{{#ref}}; {{column}} references {{refTable}}.{{refColumn}}{{/ref}}
{{guard}}
CREATE TABLE IF NOT EXISTS {{table}} (
  id integer PRIMARY KEY AUTOINCREMENT,
  name varchar(255) NOT NULL,
{{#ref}}
  {{column}} integer REFERENCES {{refTable}} ({{refColumn}}) ON DELETE {{onDelete}} ON UPDATE {{onUpdate}},
{{/ref}}
  created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT {{table}}_name_unique UNIQUE (name)
);
CREATE INDEX IF NOT EXISTS {{table}}_created_at_index ON {{table}} (created_at);
{{#ref}}
CREATE INDEX IF NOT EXISTS {{table}}_{{column}}_index ON {{table}} ({{column}});
{{/ref}}
