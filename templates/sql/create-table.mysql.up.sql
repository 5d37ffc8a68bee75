-- {{name}}: {{table}} with an id, a unique name, timestamps and an index{{#ref}}; {{column}} references {{refTable}}.{{refColumn}}{{/ref}}
{{guard}}
CREATE TABLE IF NOT EXISTS {{table}} (
  id integer NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(255) NOT NULL,
{{#ref}}
  {{column}} integer NULL,
{{/ref}}
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  CONSTRAINT {{table}}_name_unique UNIQUE (name),
{{#ref}}
  CONSTRAINT {{table}}_{{column}}_foreign FOREIGN KEY ({{column}}) REFERENCES {{refTable}} ({{refColumn}}) ON DELETE {{onDelete}} ON UPDATE {{onUpdate}},
  INDEX {{table}}_{{column}}_index ({{column}}),
{{/ref}}
  INDEX {{table}}_created_at_index (created_at)
);
