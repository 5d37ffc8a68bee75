-- {{name}}: drop the index on {{table}} ({{columnsSql}})
{{guard}}
DROP INDEX IF EXISTS {{table}}_{{columnsName}}_index;
