-- {{name}}: {{table}}.{{column}} becomes {{sqlType}}{{#setNotNull}} NOT NULL{{/setNotNull}}{{#dropNotNull}} and allows NULL{{/dropNotNull}}; down.sql turns it back.
-- The type change rewrites the table under an ACCESS EXCLUSIVE lock (except widening a varchar).
{{guard}}
ALTER TABLE {{table}}
  ALTER COLUMN {{column}} TYPE {{sqlType}} USING {{column}}::{{sqlType}}{{#setNotNull}},
  ALTER COLUMN {{column}} SET NOT NULL{{/setNotNull}}{{#dropNotNull}},
  ALTER COLUMN {{column}} DROP NOT NULL{{/dropNotNull}};
