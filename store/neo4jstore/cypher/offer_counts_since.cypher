// How many offers each business was made at or after $since, whatever became of them
// (the Offer(businessId, createdAt) index serves it). Businesses without offers get no row.
UNWIND $businessIds AS b
MATCH (o:Offer)
WHERE o.businessId = b AND o.createdAt >= $since
RETURN b AS businessId, count(o) AS offers
