// Moves each answered offer from PENDING to its answer and returns how many moved: the
// caller checked them all under the lead's lock, so a smaller count means the check was wrong
// and the transaction must not commit.
UNWIND $answers AS a
MATCH (o:Offer {id: a.id})
WHERE o.status = 'PENDING'
SET o.status = a.status,
    o.declineReason = a.declineReason,
    o.respondedAt = $at
RETURN count(o) AS answered
