-- {{name}}: index {{table}} ({{columnsSql}}), online: the table stays readable and writable while it builds
{{guard}}
ALTER TABLE {{table}} ADD INDEX {{table}}_{{columnsName}}_index ({{columnsSql}}), ALGORITHM=INPLACE, LOCK=NONE;
