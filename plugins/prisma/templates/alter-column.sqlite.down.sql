-- {{name}}: {{table}}.{{column}} back to {{sqlFromType}}, the way migration.sql went
{{guard}}
ALTER TABLE {{table}} ADD COLUMN {{column}}__old {{sqlFromType}};
UPDATE {{table}} SET {{column}}__old = CAST({{column}} AS {{sqlFromType}});
ALTER TABLE {{table}} DROP COLUMN {{column}};
ALTER TABLE {{table}} RENAME COLUMN {{column}}__old TO {{column}};
