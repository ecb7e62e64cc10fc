// One page of businesses by id after $afterId, each with its service ids and owners (export).
MATCH (b:Business)
WHERE b.id > $afterId
WITH b
ORDER BY b.id
LIMIT $limit
RETURN b,
       [(b)-[:OFFERS]->(s:Service) | s.id] AS services,
       [(u:User)-[:OWNS]->(b) | u.sub] AS owners
ORDER BY b.id
