// One page of businesses by name then id, after the keyset ($afterName, $afterId).
// A null $statuses, $networkId or $services does not filter.
MATCH (b:Business)
WHERE b.name >= $afterName
  AND (b.name > $afterName OR b.id > $afterId)
  AND ($statuses IS NULL OR b.status IN $statuses)
  AND ($networkId IS NULL OR EXISTS { (b)-[:MEMBER_OF]->(:Network {id: $networkId}) })
  AND ($services IS NULL OR EXISTS { (b)-[:OFFERS]->(s:Service) WHERE s.id IN $services })
RETURN b
ORDER BY b.name, b.id
LIMIT $limit
