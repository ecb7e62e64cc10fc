// Up to $limit leads closed before $before that still hold customer data, the longest closed
// first, with how many businesses were offered each: a read that sizes the seqs the erasure
// reserves for its events (one per business told) before lead_erase_lock takes the locks.
MATCH (l:Lead)
WHERE l.closedAt < $before AND l.erasedAt IS NULL
WITH l
ORDER BY l.closedAt
LIMIT $limit
OPTIONAL MATCH (l)-[:HAS_OFFER]->(o:Offer)
RETURN l.id AS id, count(DISTINCT o.businessId) AS recipients
