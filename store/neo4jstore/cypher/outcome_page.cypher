// Up to $limit answered offers, each with its lead, in the order they were answered, after the
// one answered at $after with seq $seq: the outcomes the matching projection replays at start.
// The range index offer_responded (respondedAt, seq) gives them in that order, so a page
// costs its own size, not a sort of every answered offer; each lead is one seek on its id. The
// keyset's tie-break is a CASE, not an OR: the planner may split `a AND (b OR c)` into a union
// with a sort of every answered offer (Neo4j 2026.08.1 did, in CI), as partnership_export's did.
MATCH (o:Offer)
WHERE o.respondedAt >= $after AND o.seq IS NOT NULL
  AND CASE WHEN o.respondedAt > $after THEN true ELSE o.seq > $seq END
  AND o.status IN ['ACCEPTED', 'DECLINED', 'EXPIRED']
WITH o
ORDER BY o.respondedAt, o.seq
LIMIT $limit
MATCH (l:Lead {id: o.leadId})
RETURN o, l
ORDER BY o.respondedAt, o.seq
