-- mig:no-transaction
-- {{name}}: {{table}}.{{column}} = {{setSql}}, {{batch}} rows at a time by primary key (keyset: id above the last
-- batch's highest, never OFFSET, so every batch costs the same), each batch committed on its own: locks stay short and a
-- stop loses at most the batch in flight. Only rows whose {{column}} IS NULL are touched, so running it again continues
-- after the last committed batch (after a kill `mig status` shows it failed: `mig up --allow-drift` runs it again).
-- MySQL loops only inside a stored procedure: this one lives for the run.
{{guard}}
DROP PROCEDURE IF EXISTS mig_fill_{{table}}_{{column}};
DELIMITER //
CREATE PROCEDURE mig_fill_{{table}}_{{column}}()
BEGIN
  DECLARE mig_last bigint DEFAULT 0;
  DECLARE mig_high bigint;
  batches: LOOP
    SET mig_high = NULL;
    SELECT max(id) INTO mig_high
      FROM (SELECT id FROM {{table}} WHERE id > mig_last AND {{column}} IS NULL ORDER BY id LIMIT {{batch}}) AS batch;
    IF mig_high IS NULL THEN
      LEAVE batches;
    END IF;
    START TRANSACTION;
    UPDATE {{table}} SET {{column}} = {{setSql}} WHERE id > mig_last AND id <= mig_high AND {{column}} IS NULL;
    COMMIT;
    SET mig_last = mig_high;
  END LOOP;
END //
DELIMITER ;
CALL mig_fill_{{table}}_{{column}}();
DROP PROCEDURE mig_fill_{{table}}_{{column}};
