CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  issued_at TEXT NOT NULL
);
CREATE INDEX invoices_customer_id ON invoices (customer_id);
