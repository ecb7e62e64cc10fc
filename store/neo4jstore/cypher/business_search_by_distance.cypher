// One page of the businesses that match the Lucene query $query and lie within $radius
// metres of $center, nearest first then by id, after the keyset ($afterDistance, $afterId).
CALL db.index.fulltext.queryNodes('business_search', $query) YIELD node
WITH node AS b, point.distance(node.location, $center) AS distance
WHERE distance <= $radius
  AND (distance > $afterDistance OR (distance = $afterDistance AND b.id > $afterId))
  AND ($statuses IS NULL OR b.status IN $statuses)
  AND ($networkId IS NULL OR EXISTS { (b)-[:MEMBER_OF]->(:Network {id: $networkId}) })
  AND ($services IS NULL OR EXISTS { (b)-[:OFFERS]->(s:Service) WHERE s.id IN $services })
RETURN b, distance
ORDER BY distance, b.id
LIMIT $limit
