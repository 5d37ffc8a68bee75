-- {{name}}: {{table}}.{{column}} back to {{sqlFromType}}{{#setNotNull}}, allowing NULL{{/setNotNull}}{{#dropNotNull}} NOT NULL{{/dropNotNull}}
{{guard}}
ALTER TABLE {{table}}
  ALTER COLUMN {{column}} TYPE {{sqlFromType}} USING {{column}}::{{sqlFromType}}{{#setNotNull}},
  ALTER COLUMN {{column}} DROP NOT NULL{{/setNotNull}}{{#dropNotNull}},
  ALTER COLUMN {{column}} SET NOT NULL{{/dropNotNull}};
