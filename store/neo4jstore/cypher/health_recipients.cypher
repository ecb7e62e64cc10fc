// The $top businesses that accepted the most offers made in [$from, $to) (then received the
// most, then by id). The Offer(createdAt) range index serves the range.
MATCH (o:Offer)
WHERE o.createdAt >= $from AND o.createdAt < $to
WITH o.businessId AS businessId, count(*) AS offers, sum(CASE WHEN o.status = 'ACCEPTED' THEN 1 ELSE 0 END) AS accepted
RETURN businessId, offers, accepted
ORDER BY accepted DESC, offers DESC, businessId
LIMIT $top
