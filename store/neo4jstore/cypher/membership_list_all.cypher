// One page of every membership by network then business, after the keyset
// ($afterNetworkId, $afterBusinessId).
MATCH (b:Business)-[m:MEMBER_OF]->(n:Network)
WHERE n.id >= $afterNetworkId
  AND (n.id > $afterNetworkId OR b.id > $afterBusinessId)
RETURN n.id AS networkId, b.id AS businessId, m.role AS role, m.since AS since
ORDER BY networkId, businessId
LIMIT $limit
