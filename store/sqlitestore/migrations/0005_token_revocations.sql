-- Per token subject, the time (Unix nanoseconds) before which its tokens are revoked. The
-- subject is the key: one row per subject, whose time only moves forward.
CREATE TABLE token_revocations (
  subject        TEXT PRIMARY KEY,
  revoked_before INTEGER NOT NULL
) WITHOUT ROWID;
