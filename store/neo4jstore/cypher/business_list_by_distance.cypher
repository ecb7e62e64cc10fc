// One page of the businesses within $radius metres of $center (point index), nearest first
// then by id, after the keyset ($afterDistance, $afterId).
MATCH (b:Business)
WHERE point.distance(b.location, $center) <= $radius
WITH b, point.distance(b.location, $center) AS distance
WHERE (distance > $afterDistance OR (distance = $afterDistance AND b.id > $afterId))
  AND ($statuses IS NULL OR b.status IN $statuses)
  AND ($networkId IS NULL OR EXISTS { (b)-[:MEMBER_OF]->(:Network {id: $networkId}) })
  AND ($services IS NULL OR EXISTS { (b)-[:OFFERS]->(s:Service) WHERE s.id IN $services })
RETURN b, distance
ORDER BY distance, b.id
LIMIT $limit
