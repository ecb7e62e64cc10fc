// One page of a network's memberships by business, after $afterBusinessId.
MATCH (b:Business)-[m:MEMBER_OF]->(n:Network {id: $networkId})
WHERE b.id > $afterBusinessId
RETURN n.id AS networkId, b.id AS businessId, m.role AS role, m.since AS since
ORDER BY businessId
LIMIT $limit
