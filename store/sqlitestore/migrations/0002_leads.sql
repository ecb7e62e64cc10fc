-- Leads, the offers that route them (each one an entry in its recipient's inbox), the
-- referrer's feed of lead events, and commissions. Times are Unix nanoseconds (UTC); money is
-- in minor units. Businesses are never deleted, so the references need no ON DELETE.

CREATE TABLE leads (
  id               TEXT PRIMARY KEY,
  -- NULL once purged: SQLite lets any number of rows share NULL under UNIQUE, so a purged key
  -- can be used again while its old lead stays.
  idempotency_key  TEXT UNIQUE,
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
-- The ledger reads the leads a business referred.
CREATE INDEX leads_by_referrer ON leads (referrer_id, created_at);
-- PurgeIdempotencyKeys scans only the leads that still hold a key.
CREATE INDEX leads_with_key_by_created ON leads (created_at) WHERE idempotency_key IS NOT NULL;

CREATE TABLE offers (
  -- AUTOINCREMENT: a seq is never reused, even after the highest row is gone, so that an
  -- inbox cursor never skips or repeats an offer.
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT NOT NULL UNIQUE,
  lead_id        TEXT NOT NULL REFERENCES leads (id),
  business_id    TEXT NOT NULL REFERENCES businesses (id),
  rank           INTEGER NOT NULL,
  path           TEXT NOT NULL DEFAULT '[]', -- JSON array of business ids
  path_trust     REAL NOT NULL DEFAULT 0,
  score          REAL NOT NULL DEFAULT 0,
  reasons        TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
  status         TEXT NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN')),
  decline_reason TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  responded_at   INTEGER
);
CREATE INDEX offers_inbox ON offers (business_id, seq);
CREATE INDEX offers_due ON offers (status, expires_at);
CREATE INDEX offers_by_lead ON offers (lead_id, rank);
CREATE INDEX offers_by_business_created ON offers (business_id, created_at);

CREATE TABLE lead_events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  lead_id     TEXT NOT NULL REFERENCES leads (id),
  referrer_id TEXT NOT NULL REFERENCES businesses (id),
  status      TEXT NOT NULL,
  message     TEXT NOT NULL DEFAULT '',
  at          INTEGER NOT NULL
);
CREATE INDEX lead_events_feed ON lead_events (referrer_id, seq);

CREATE TABLE commissions (
  id             TEXT PRIMARY KEY,
  -- A lead is won once, so it earns at most one commission.
  lead_id        TEXT NOT NULL UNIQUE REFERENCES leads (id),
  partnership_id TEXT NOT NULL REFERENCES partnerships (id),
  payer_id       TEXT NOT NULL REFERENCES businesses (id),
  payee_id       TEXT NOT NULL REFERENCES businesses (id),
  amount_minor   INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency       TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('OWED', 'PAID')),
  created_at     INTEGER NOT NULL
);
CREATE INDEX commissions_by_payer ON commissions (payer_id, created_at, id);
CREATE INDEX commissions_by_payee ON commissions (payee_id, created_at, id);
