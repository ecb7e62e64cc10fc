// Reserves one range of seqs per entry of $sizes, in one short transaction: takes the write
// lock on the one sequence counter (created at 0 on first use; the Counter.name constraint
// makes concurrent first uses meet on one node), moves it up by their sum, and creates a
// (:SeqReservation {first, last, deadline}) for each range, which its writer deletes once the
// writes numbered from it have committed or failed (seq_release). Readers of feeds read up to
// the oldest open reservation (offer_inbox, event_feed). The lock is held only until this
// transaction commits. A reservation whose writer died is ignored from its deadline on (the
// writer cannot commit after it: seq_check), and the first reservation after that deletes it.
MERGE (c:Counter {name: 'seq'})
ON CREATE SET c.value = 0
SET c._lock = true
REMOVE c._lock
WITH c, c.value AS base
SET c.value = base + reduce(total = 0, n IN $sizes | total + n)
WITH base, datetime() + duration({milliseconds: $holdMs}) AS deadline
CALL () {
  MATCH (old:SeqReservation)
  WHERE old.deadline < datetime()
  DELETE old
}
UNWIND range(0, size($sizes) - 1) AS i
WITH i, deadline, base + reduce(before = 0, n IN $sizes[0..i] | before + n) + 1 AS first
CREATE (r:SeqReservation {first: first, last: first + $sizes[i] - 1, deadline: deadline})
RETURN i, elementId(r) AS id, r.first AS first
ORDER BY i
