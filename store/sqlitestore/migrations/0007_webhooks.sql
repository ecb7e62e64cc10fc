-- Webhook endpoints and their delivery logs. Times are Unix nanoseconds (UTC). An endpoint is
-- one more follower of its business's feeds: offer_cursor and event_cursor are the seqs of the
-- last offer and lead event delivered. lease_holder and lease_until let one server at a time
-- deliver it; attempts, failing_since and next_attempt_at are the retry state of its next
-- event. The secret is kept in clear because signing needs it.
CREATE TABLE webhooks (
  id              TEXT PRIMARY KEY,
  business_id     TEXT NOT NULL REFERENCES businesses (id),
  url             TEXT NOT NULL,
  events          TEXT NOT NULL, -- JSON array of OFFERS, LEAD_UPDATES
  secret          TEXT NOT NULL,
  previous_secret TEXT NOT NULL DEFAULT '',
  previous_until  INTEGER,
  enabled         INTEGER NOT NULL,
  disabled_reason TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  offer_cursor    INTEGER NOT NULL DEFAULT 0,
  event_cursor    INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  failing_since   INTEGER,
  next_attempt_at INTEGER,
  lease_holder    TEXT NOT NULL DEFAULT '',
  lease_until     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_by_business ON webhooks (business_id, created_at, id);
CREATE INDEX webhooks_by_created ON webhooks (created_at, id);

-- One row per endpoint and event: the last attempt's outcome and the number of attempts.
CREATE TABLE webhook_deliveries (
  webhook_id  TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id    TEXT NOT NULL,
  event       TEXT NOT NULL CHECK (event IN ('OFFERS', 'LEAD_UPDATES')),
  seq         INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('DELIVERED', 'RETRYING', 'FAILED')),
  attempts    INTEGER NOT NULL,
  status_code INTEGER NOT NULL DEFAULT 0,
  latency_ns  INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT '',
  response    TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (webhook_id, event_id)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at, event_id);
