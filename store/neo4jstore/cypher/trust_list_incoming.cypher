// One page of the edges to $businessId, by from, after $afterFrom.
MATCH (a:Business)-[t:TRUSTS]->(b:Business {id: $businessId})
WHERE a.id > $afterFrom
RETURN a.id AS from, b.id AS to, t.score AS score, t.note AS note, t.source AS source, t.updatedAt AS updatedAt,
       coalesce(t.setBy, '') AS setBy
ORDER BY from
LIMIT $limit
