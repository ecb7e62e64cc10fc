// One page of the edges from $businessId, by to, after $afterTo.
MATCH (a:Business {id: $businessId})-[t:TRUSTS]->(b:Business)
WHERE b.id > $afterTo
RETURN a.id AS from, b.id AS to, t.score AS score, t.note AS note, t.source AS source, t.updatedAt AS updatedAt,
       coalesce(t.setBy, '') AS setBy
ORDER BY to
LIMIT $limit
