-- mig:no-transaction
-- {{name}}: index {{table}} ({{columnsSql}}). CONCURRENTLY builds it without blocking writes, and cannot run inside
-- a transaction: the line above runs this file outside one. A build that fails leaves an INVALID index behind;
-- the down file (IF EXISTS) drops it before a retry.
{{guard}}
CREATE INDEX CONCURRENTLY IF NOT EXISTS {{table}}_{{columnsName}}_index ON {{table}} ({{columnsSql}});
