-- {{name}}: {{table}}.{{column}} back to NULL, in the same batches (the DO the only statement of the file, as in
-- migration.sql). That undoes the up exactly when {{column}} was NULL on every row before it (a column added for this
-- backfill). If it held values the up kept, this cannot tell them apart: keep a copy before the up, or replace this
-- with a statement that fails.
{{guard}}
DO $$
DECLARE
  mig_last bigint := 0;
  mig_high bigint;
BEGIN
  LOOP
    SELECT max(id) INTO mig_high
      FROM (SELECT id FROM {{table}} WHERE id > mig_last AND {{column}} IS NOT NULL ORDER BY id LIMIT {{batch}}) AS batch;
    EXIT WHEN mig_high IS NULL;
    UPDATE {{table}} SET {{column}} = NULL WHERE id > mig_last AND id <= mig_high;
    mig_last := mig_high;
    COMMIT;
  END LOOP;
END $$;
