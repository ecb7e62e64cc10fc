// Up to $limit offers made to a business after seq $after, by seq (the Offer(businessId, seq)
// index serves both the filter and the order).
MATCH (o:Offer)
WHERE o.businessId = $businessId AND o.seq > $after
RETURN o
ORDER BY o.seq
LIMIT $limit
