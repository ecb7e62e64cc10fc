// One page of a business's memberships by network, after $afterNetworkId; a non-null
// $networkId keeps only that network.
MATCH (b:Business {id: $businessId})-[m:MEMBER_OF]->(n:Network)
WHERE n.id > $afterNetworkId
  AND ($networkId IS NULL OR n.id = $networkId)
RETURN n.id AS networkId, b.id AS businessId, m.role AS role, m.since AS since
ORDER BY networkId
LIMIT $limit
