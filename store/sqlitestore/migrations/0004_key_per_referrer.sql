-- An idempotency key belongs to its referrer: the same key from two businesses makes two leads,
-- so that no business can find or block another's lead by guessing its key. The key's UNIQUE
-- was a column constraint, which SQLite drops only by rebuilding the table, here with the
-- same columns and a unique index on (referrer_id, idempotency_key) in its place.
--
-- Offers, events and commissions reference leads. Dropping the table counts their references
-- as deferred foreign-key violations, and inserting the same ids into the new table resolves
-- each of them, so the migration's transaction commits only if every reference holds again.
-- (PRAGMA foreign_keys cannot be turned off inside a transaction, and renaming the old table
-- out of the way would rename the references with it.)
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE leads_0004 AS SELECT * FROM leads;
DROP TABLE leads;

CREATE TABLE leads (
  id               TEXT PRIMARY KEY,
  -- NULL once purged: NULLs never collide in a unique index, so a purged key can be used again
  -- while its old lead stays.
  idempotency_key  TEXT,
  input_hash       TEXT NOT NULL,
  referrer_id      TEXT NOT NULL REFERENCES businesses (id),
  service_id       TEXT NOT NULL REFERENCES services (id),
  lat              REAL NOT NULL,
  lng              REAL NOT NULL,
  customer_name    TEXT NOT NULL,
  customer_email   TEXT NOT NULL DEFAULT '',
  customer_phone   TEXT NOT NULL DEFAULT '',
  consent_text     TEXT NOT NULL,
  consent_given_at INTEGER NOT NULL,
  notes            TEXT NOT NULL DEFAULT '',
  mode             TEXT NOT NULL CHECK (mode IN ('EXCLUSIVE', 'SHARED')),
  max_offers       INTEGER NOT NULL CHECK (max_offers >= 1),
  status           TEXT NOT NULL CHECK (status IN ('OFFERED', 'ACCEPTED', 'UNROUTABLE', 'WON', 'LOST')),
  reason           TEXT NOT NULL DEFAULT '',
  value_minor      INTEGER NOT NULL DEFAULT 0,
  currency         TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  closed_at        INTEGER
);
INSERT INTO leads (id, idempotency_key, input_hash, referrer_id, service_id, lat, lng, customer_name,
    customer_email, customer_phone, consent_text, consent_given_at, notes, mode, max_offers, status,
    reason, value_minor, currency, created_at, closed_at)
  SELECT id, idempotency_key, input_hash, referrer_id, service_id, lat, lng, customer_name,
    customer_email, customer_phone, consent_text, consent_given_at, notes, mode, max_offers, status,
    reason, value_minor, currency, created_at, closed_at
  FROM leads_0004;
DROP TABLE leads_0004;

-- SubmitLead looks a key up with its referrer.
CREATE UNIQUE INDEX leads_key_per_referrer ON leads (referrer_id, idempotency_key);
-- As in 0002: the ledger reads the leads a business referred; PurgeIdempotencyKeys scans only
-- the leads that still hold a key.
CREATE INDEX leads_by_referrer ON leads (referrer_id, created_at);
CREATE INDEX leads_with_key_by_created ON leads (created_at) WHERE idempotency_key IS NOT NULL;
