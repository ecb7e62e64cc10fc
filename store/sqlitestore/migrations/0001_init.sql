-- The graph as tables. Times are Unix nanoseconds (UTC); money is in minor units.

CREATE TABLE businesses (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  description       TEXT NOT NULL DEFAULT '',
  website           TEXT NOT NULL DEFAULT '',
  phone             TEXT NOT NULL DEFAULT '',
  email             TEXT NOT NULL DEFAULT '',
  lat               REAL NOT NULL,
  lng               REAL NOT NULL,
  city              TEXT NOT NULL DEFAULT '',
  country           TEXT NOT NULL DEFAULT '',
  service_radius_km REAL NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUSPENDED')),
  verified          INTEGER NOT NULL DEFAULT 0,
  daily_lead_cap    INTEGER NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX businesses_by_name ON businesses (name, id);
CREATE INDEX businesses_by_lat ON businesses (lat, lng);
CREATE INDEX businesses_by_status ON businesses (status);

-- Full-text search over name and description, kept in step by triggers.
CREATE VIRTUAL TABLE businesses_fts USING fts5 (
  name, description, content = 'businesses', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER businesses_fts_insert AFTER INSERT ON businesses BEGIN
  INSERT INTO businesses_fts (rowid, name, description) VALUES (new.rowid, new.name, new.description);
END;
CREATE TRIGGER businesses_fts_delete AFTER DELETE ON businesses BEGIN
  INSERT INTO businesses_fts (businesses_fts, rowid, name, description) VALUES ('delete', old.rowid, old.name, old.description);
END;
CREATE TRIGGER businesses_fts_update AFTER UPDATE OF name, description ON businesses BEGIN
  INSERT INTO businesses_fts (businesses_fts, rowid, name, description) VALUES ('delete', old.rowid, old.name, old.description);
  INSERT INTO businesses_fts (rowid, name, description) VALUES (new.rowid, new.name, new.description);
END;

CREATE TABLE owners (
  sub         TEXT NOT NULL,
  business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  PRIMARY KEY (sub, business_id)
) WITHOUT ROWID;
CREATE INDEX owners_by_business ON owners (business_id);

CREATE TABLE services (
  id     TEXT PRIMARY KEY,
  name   TEXT NOT NULL,
  sector TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE business_services (
  business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  service_id  TEXT NOT NULL REFERENCES services (id),
  PRIMARY KEY (business_id, service_id)
) WITHOUT ROWID;
CREATE INDEX business_services_by_service ON business_services (service_id, business_id);

CREATE TABLE complements (
  from_id TEXT NOT NULL REFERENCES services (id),
  to_id   TEXT NOT NULL REFERENCES services (id),
  weight  REAL NOT NULL CHECK (weight BETWEEN 0 AND 1),
  source  TEXT NOT NULL,
  PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;

CREATE TABLE networks (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  region     TEXT NOT NULL DEFAULT '',
  visibility TEXT NOT NULL CHECK (visibility IN ('PUBLIC', 'PRIVATE')),
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX networks_by_name ON networks (name, id);

CREATE TABLE memberships (
  network_id  TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
  business_id TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('MEMBER', 'ORGANIZER')),
  since       INTEGER NOT NULL,
  PRIMARY KEY (network_id, business_id)
) WITHOUT ROWID;
CREATE INDEX memberships_by_business ON memberships (business_id, network_id);

CREATE TABLE trust (
  from_id    TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  to_id      TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  score      REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
  note       TEXT NOT NULL DEFAULT '',
  source     TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id),
  CHECK (from_id <> to_id)
) WITHOUT ROWID;
CREATE INDEX trust_by_to ON trust (to_id, from_id);

CREATE TABLE partnerships (
  id           TEXT PRIMARY KEY,
  proposer_id  TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  partner_id   TEXT NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  -- pair_key is the two ids in sorted order, so that a pair has one open partnership
  -- whichever side proposed it.
  pair_key     TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('PROPOSED', 'ACTIVE', 'DECLINED', 'ENDED')),
  fee_type     TEXT NOT NULL CHECK (fee_type IN ('FLAT', 'PERCENT')),
  amount_minor INTEGER NOT NULL DEFAULT 0,
  percent_bp   INTEGER NOT NULL DEFAULT 0,
  currency     TEXT NOT NULL,
  message      TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  responded_at INTEGER,
  ended_at     INTEGER,
  CHECK (proposer_id <> partner_id)
);
CREATE UNIQUE INDEX partnerships_one_open_per_pair ON partnerships (pair_key) WHERE status IN ('PROPOSED', 'ACTIVE');
CREATE INDEX partnerships_by_proposer ON partnerships (proposer_id, created_at);
CREATE INDEX partnerships_by_partner ON partnerships (partner_id, created_at);
CREATE INDEX partnerships_by_created ON partnerships (created_at, id);
