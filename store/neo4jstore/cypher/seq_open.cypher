// The first seq of the oldest reservation (seq_reserve) up to $top whose writer may still
// commit: a reservation past its deadline is ignored, its writer can no longer commit. Null
// when there is none.
MATCH (r:SeqReservation)
WHERE r.first <= $top AND r.deadline > datetime()
RETURN min(r.first) AS open
