-- {{name}}: index {{table}} ({{columnsSql}})
{{guard}}
CREATE INDEX IF NOT EXISTS {{table}}_{{columnsName}}_index ON {{table}} ({{columnsSql}});
