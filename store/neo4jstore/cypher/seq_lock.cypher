// Takes the write lock on the one sequence counter (created at 0 on first use; the
// Counter.name constraint makes concurrent first uses meet on one node) and holds it until
// the transaction ends. Every transaction that writes leads, offers or lead events takes it
// first, so they run one at a time: seqs are handed out in commit order (a reader that has
// seen seq n never later finds a smaller one committed), and the idempotency key look-up of
// SubmitLead cannot race a concurrent submit under the same key.
MERGE (c:Counter {name: 'seq'})
ON CREATE SET c.value = 0
SET c._lock = true
REMOVE c._lock
