-- {{name}}: {{table}}.{{column}} = {{setSql}}, {{batch}} rows at a time by primary key (keyset: id above the last
-- batch's highest, never OFFSET, so every batch costs the same), each batch committed on its own: locks stay short and
-- a stop loses at most the batch in flight. COMMIT inside DO works only outside a transaction block: keep the DO the
-- only statement of this file, so PostgreSQL runs it on its own. Only rows whose {{column}} IS NULL are touched, so
-- running it again continues after the last committed batch (after a kill Prisma marks it failed:
-- `mig resolve ID --rolled-back`, then `mig up` runs it again). Progress: RAISE NOTICE, in the server log.
{{guard}}
DO $$
DECLARE
  mig_last bigint := 0;
  mig_high bigint;
  mig_rows bigint;
  mig_done bigint := 0;
BEGIN
  LOOP
    SELECT max(id), count(*) INTO mig_high, mig_rows
      FROM (SELECT id FROM {{table}} WHERE id > mig_last AND {{column}} IS NULL ORDER BY id LIMIT {{batch}}) AS batch;
    EXIT WHEN mig_high IS NULL;
    UPDATE {{table}} SET {{column}} = {{setSql}} WHERE id > mig_last AND id <= mig_high AND {{column}} IS NULL;
    mig_done := mig_done + mig_rows;
    RAISE NOTICE '{{table}}.{{column}}: ids % to %, % rows', mig_last + 1, mig_high, mig_done;
    mig_last := mig_high;
    COMMIT;
  END LOOP;
END $$;
