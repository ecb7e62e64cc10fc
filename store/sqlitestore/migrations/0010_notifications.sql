-- A business's feed (lead_events) carries notices besides the status changes of the leads it
-- referred (partnergraph.LeadEventKind): WEBHOOK_DISABLED names an endpoint and no lead, so
-- lead_id may be NULL; LEAD_ERASED is filed in the feed of each business that got the lead's
-- data. SQLite cannot drop a NOT NULL, so the table is rebuilt with its rows, its seqs and its
-- AUTOINCREMENT counter (a seq is never given twice, even past deleted rows).
CREATE TABLE lead_events_new (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL DEFAULT 'STATUS',
  lead_id     TEXT REFERENCES leads (id),
  referrer_id TEXT NOT NULL REFERENCES businesses (id),
  status      TEXT NOT NULL,
  message     TEXT NOT NULL DEFAULT '',
  -- No reference: the event outlives a deleted endpoint.
  webhook_id  TEXT NOT NULL DEFAULT '',
  at          INTEGER NOT NULL
);
INSERT INTO lead_events_new (seq, lead_id, referrer_id, status, message, at)
  SELECT seq, lead_id, referrer_id, status, message, at FROM lead_events;
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'lead_events_new', seq FROM sqlite_sequence WHERE name = 'lead_events'
  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'lead_events_new');
UPDATE sqlite_sequence SET seq = max(seq, (SELECT coalesce(max(s.seq), 0) FROM sqlite_sequence s WHERE s.name = 'lead_events'))
  WHERE name = 'lead_events_new';
DROP TABLE lead_events;
ALTER TABLE lead_events_new RENAME TO lead_events;
CREATE INDEX lead_events_feed ON lead_events (referrer_id, seq);
-- LeadErasures: a business's LEAD_ERASED events by seq, without the status changes between.
CREATE INDEX lead_events_kind_feed ON lead_events (referrer_id, kind, seq);
