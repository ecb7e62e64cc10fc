// Offers made in [$from, $to), by status now. The Offer(createdAt) range index serves the range.
MATCH (o:Offer)
WHERE o.createdAt >= $from AND o.createdAt < $to
RETURN o.status AS status, count(*) AS n
