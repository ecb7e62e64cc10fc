// The first statement of a transaction that writes with reserved seqs: returns a row only if
// the reservation is still open and its deadline is more than $marginMs away, so that this
// transaction (which the server ends after its timeout, less than the margin) commits before
// readers start ignoring the reservation.
MATCH (r:SeqReservation)
WHERE elementId(r) = $id AND r.first = $first
  AND r.deadline > datetime() + duration({milliseconds: $marginMs})
RETURN r.first AS first
