-- {{name}}: drop the index on {{table}} ({{columnsSql}})
{{guard}}
ALTER TABLE {{table}} DROP INDEX {{table}}_{{columnsName}}_index;
