// One page of every trust edge by from then to, after the keyset ($afterFrom, $afterTo).
MATCH (a:Business)-[t:TRUSTS]->(b:Business)
WHERE a.id >= $afterFrom
  AND (a.id > $afterFrom OR b.id > $afterTo)
RETURN a.id AS from, b.id AS to, t.score AS score, t.note AS note, t.source AS source, t.updatedAt AS updatedAt,
       coalesce(t.setBy, '') AS setBy
ORDER BY from, to
LIMIT $limit
