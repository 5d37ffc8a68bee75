-- {{name}}: {{table}}.{{column}} back to NULL. That undoes the up exactly when {{column}} was NULL on every row before
-- it (a column added for this backfill). If it held values the up kept, this cannot tell them apart: keep a copy
-- before the up, or replace this with a statement that fails.
{{guard}}
UPDATE {{table}} SET {{column}} = NULL WHERE {{column}} IS NOT NULL;
