-- {{name}}: index {{table}} ({{columnsSql}}). CONCURRENTLY builds it without blocking writes, and cannot run inside a
-- transaction block: keep it the only statement of this file, so PostgreSQL runs it on its own. A build that fails
-- leaves an INVALID index behind; down.sql (IF EXISTS) drops it before a retry.
{{guard}}
CREATE INDEX CONCURRENTLY IF NOT EXISTS {{table}}_{{columnsName}}_index ON {{table}} ({{columnsSql}});
