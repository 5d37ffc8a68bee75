-- {{name}}: drop the index on {{table}} ({{columnsSql}}), without blocking reads and writes (the only statement of the file, as above)
{{guard}}
DROP INDEX CONCURRENTLY IF EXISTS {{table}}_{{columnsName}}_index;
