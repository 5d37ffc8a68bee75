-- {{name}}: {{table}}.{{column}} back to {{sqlFromType}}{{#dropNotNull}} NOT NULL{{/dropNotNull}}{{^dropNotNull}} NULL{{/dropNotNull}}
{{guard}}
ALTER TABLE {{table}} MODIFY COLUMN {{column}} {{sqlFromType}}{{#dropNotNull}} NOT NULL{{/dropNotNull}}{{^dropNotNull}} NULL{{/dropNotNull}};
