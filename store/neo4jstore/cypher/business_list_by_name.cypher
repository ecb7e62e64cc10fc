// One page of businesses by name then id, after the keyset ($afterName, $afterId).
// A null $statuses, $networkId or $services does not filter. The range on name seeks the index
// business_name (name, id), which also gives the order (the IS NOT NULL lets the planner use
// its second property). The tie-break is a CASE, not an OR: a planner splits an OR into a
// union with a label scan and a sort of every business.
MATCH (b:Business)
WHERE b.name >= $afterName AND b.id IS NOT NULL
  AND CASE WHEN b.name > $afterName THEN true ELSE b.id > $afterId END
  AND ($statuses IS NULL OR b.status IN $statuses)
  AND ($networkId IS NULL OR EXISTS { (b)-[:MEMBER_OF]->(:Network {id: $networkId}) })
  AND ($services IS NULL OR EXISTS { (b)-[:OFFERS]->(s:Service) WHERE s.id IN $services })
RETURN b
ORDER BY b.name, b.id
LIMIT $limit
