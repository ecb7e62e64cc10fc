// One page of the businesses that match the Lucene query $query on the full-text index,
// by name then id, after the keyset ($afterName, $afterId). Only the matches are sorted. The
// tie-break is a CASE, not an OR, as in business_list_by_name.
CALL db.index.fulltext.queryNodes('business_search', $query) YIELD node
WITH node AS b
WHERE b.name >= $afterName
  AND CASE WHEN b.name > $afterName THEN true ELSE b.id > $afterId END
  AND ($statuses IS NULL OR b.status IN $statuses)
  AND ($networkId IS NULL OR EXISTS { (b)-[:MEMBER_OF]->(:Network {id: $networkId}) })
  AND ($services IS NULL OR EXISTS { (b)-[:OFFERS]->(s:Service) WHERE s.id IN $services })
RETURN b
ORDER BY b.name, b.id
LIMIT $limit
