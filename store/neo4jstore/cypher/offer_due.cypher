// Up to $limit PENDING offers that expired at or before $now, the longest overdue first,
// then by seq (the Offer(status, expiresAt) index serves the filter).
MATCH (o:Offer)
WHERE o.status = 'PENDING' AND o.expiresAt <= $now
RETURN o
ORDER BY o.expiresAt, o.seq
LIMIT $limit
