-- The newest weights of the partner-suggestion signals that a fit chose on the network's own
-- history (matching.Fit, issue 15 §1): one row, its fields as JSON (partnergraph.FittedWeights),
-- so that a restarted server and the other servers on the store use them.
CREATE TABLE fitted_weights (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  body      TEXT NOT NULL,
  fitted_at INTEGER NOT NULL
);
