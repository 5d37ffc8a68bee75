-- mig:no-transaction
-- {{name}}: drop the index on {{table}} ({{columnsSql}}), without blocking reads and writes
{{guard}}
DROP INDEX CONCURRENTLY IF EXISTS {{table}}_{{columnsName}}_index;
