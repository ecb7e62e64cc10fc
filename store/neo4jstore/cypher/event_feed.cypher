// Up to $limit events of a referrer's leads after seq $after, by seq (the
// LeadEvent(referrerId, seq) index serves both the filter and the order).
MATCH (e:LeadEvent)
WHERE e.referrerId = $referrerId AND e.seq > $after
RETURN e
ORDER BY e.seq
LIMIT $limit
