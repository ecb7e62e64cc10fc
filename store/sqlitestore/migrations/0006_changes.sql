-- The change feed (partnergraph.ChangeFeed): one row per change, appended by each write in its
-- own transaction. AUTOINCREMENT keeps seq from ever being given again, even once trimming has
-- deleted the highest rows: a reader's position must never point at a later change.
CREATE TABLE changes (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  kind   TEXT NOT NULL,
  id     TEXT NOT NULL,
  to_id  TEXT NOT NULL,
  origin TEXT NOT NULL,
  at     INTEGER NOT NULL
);
-- TrimChanges looks up the last change written before a time.
CREATE INDEX changes_by_at ON changes (at);

-- The highest seq ever trimmed (one row): Changes from a position below it has missed changes.
CREATE TABLE changes_trimmed (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL
);
INSERT INTO changes_trimmed (one, seq) VALUES (1, 0);
