// One page of complements by from then to, after the keyset ($afterFrom, $afterTo) (export).
MATCH (a:Service)-[c:COMPLEMENTS]->(b:Service)
WHERE a.id >= $afterFrom
  AND (a.id > $afterFrom OR b.id > $afterTo)
RETURN a.id AS from, b.id AS to, c.weight AS weight, c.source AS source
ORDER BY from, to
LIMIT $limit
