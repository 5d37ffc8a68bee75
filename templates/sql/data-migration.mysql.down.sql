-- mig:no-transaction
-- {{name}}: {{table}}.{{column}} back to NULL, in the same batches. That undoes the up exactly when {{column}} was NULL
-- on every row before it (a column added for this backfill). If it held values the up kept, this cannot tell them
-- apart: keep a copy before the up, or replace this with a statement that fails.
{{guard}}
DROP PROCEDURE IF EXISTS mig_clear_{{table}}_{{column}};
DELIMITER //
CREATE PROCEDURE mig_clear_{{table}}_{{column}}()
BEGIN
  DECLARE mig_last bigint DEFAULT 0;
  DECLARE mig_high bigint;
  batches: LOOP
    SET mig_high = NULL;
    SELECT max(id) INTO mig_high
      FROM (SELECT id FROM {{table}} WHERE id > mig_last AND {{column}} IS NOT NULL ORDER BY id LIMIT {{batch}}) AS batch;
    IF mig_high IS NULL THEN
      LEAVE batches;
    END IF;
    START TRANSACTION;
    UPDATE {{table}} SET {{column}} = NULL WHERE id > mig_last AND id <= mig_high;
    COMMIT;
    SET mig_last = mig_high;
  END LOOP;
END //
DELIMITER ;
CALL mig_clear_{{table}}_{{column}}();
DROP PROCEDURE mig_clear_{{table}}_{{column}};
