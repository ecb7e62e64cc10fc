-- Returns of accepted leads (issue 16 §2) and the reversals of the commissions they void.
-- One return per lead, keyed by the lead: a second request finds the first. Who did each
-- step, when and why stays on the row (the audit); times are Unix nanoseconds (UTC).
CREATE TABLE lead_returns (
  lead_id       TEXT PRIMARY KEY REFERENCES leads (id),
  offer_id      TEXT NOT NULL REFERENCES offers (id),
  recipient_id  TEXT NOT NULL REFERENCES businesses (id),
  referrer_id   TEXT NOT NULL REFERENCES businesses (id),
  reason        TEXT NOT NULL CHECK (reason IN ('DUPLICATE', 'WRONG_SERVICE', 'UNREACHABLE', 'NOT_AS_DESCRIBED', 'SUSPECTED_FRAUD')),
  note          TEXT NOT NULL DEFAULT '',
  state         TEXT NOT NULL CHECK (state IN ('REQUESTED', 'CONTESTED', 'ACCEPTED', 'REJECTED')),
  requested_by  TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  contest_by    INTEGER NOT NULL,
  contested_by  TEXT NOT NULL DEFAULT '',
  contested_at  INTEGER,
  contest_note  TEXT NOT NULL DEFAULT '',
  decided_by    TEXT NOT NULL DEFAULT '',
  decided_at    INTEGER,
  decision_note TEXT NOT NULL DEFAULT ''
);
-- DueReturns: requested returns whose contest window ended; Returns: by state, oldest first.
CREATE INDEX lead_returns_by_state ON lead_returns (state, contest_by);
CREATE INDEX lead_returns_listing ON lead_returns (state, requested_at, lead_id);
-- ReturnStats reads a referrer's returns.
CREATE INDEX lead_returns_by_referrer ON lead_returns (referrer_id);

-- A reversal is a line of its own: the commission row is never changed. UNIQUE on the
-- commission: it is reversed at most once, whatever races.
CREATE TABLE commission_reversals (
  id            TEXT PRIMARY KEY,
  commission_id TEXT NOT NULL UNIQUE REFERENCES commissions (id),
  lead_id       TEXT NOT NULL REFERENCES leads (id),
  payer_id      TEXT NOT NULL REFERENCES businesses (id),
  payee_id      TEXT NOT NULL REFERENCES businesses (id),
  amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
  currency      TEXT NOT NULL,
  reason        TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX commission_reversals_by_lead ON commission_reversals (lead_id);
CREATE INDEX commission_reversals_by_payer ON commission_reversals (payer_id);
CREATE INDEX commission_reversals_by_payee ON commission_reversals (payee_id);
