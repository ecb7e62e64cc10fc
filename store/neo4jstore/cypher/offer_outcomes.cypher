// Up to $limit answered offers, in the order they were answered, after the one answered at
// $after with seq $seq: the outcomes the matching projection replays at start.
MATCH (o:Offer)
WHERE o.status IN ['ACCEPTED', 'DECLINED', 'EXPIRED'] AND o.respondedAt IS NOT NULL
  AND (o.respondedAt > $after OR (o.respondedAt = $after AND o.seq > $seq))
RETURN o
ORDER BY o.respondedAt, o.seq
LIMIT $limit
