// One page of complements by from then to, after the keyset ($afterFrom, $afterTo) (export).
// The range on a.id seeks the unique index service_id in that order; the tie-break is a CASE,
// not an OR, as in trust_list_all.
MATCH (a:Service)-[c:COMPLEMENTS]->(b:Service)
WHERE a.id >= $afterFrom
  AND CASE WHEN a.id > $afterFrom THEN true ELSE b.id > $afterTo END
RETURN a.id AS from, b.id AS to, c.weight AS weight, c.source AS source
ORDER BY from, to
LIMIT $limit
