-- {{name}}: created_at and updated_at on {{table}}; existing rows get the time of the migration
{{guard}}
ALTER TABLE {{table}}
  ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now();
