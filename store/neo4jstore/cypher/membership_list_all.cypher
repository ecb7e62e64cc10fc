// One page of every membership by network then business, after the keyset
// ($afterNetworkId, $afterBusinessId). The range on n.id seeks the unique index network_id in
// that order; only the members of one network are sorted. The tie-break is a CASE, not an OR,
// as in trust_list_all.
MATCH (b:Business)-[m:MEMBER_OF]->(n:Network)
WHERE n.id >= $afterNetworkId
  AND CASE WHEN n.id > $afterNetworkId THEN true ELSE b.id > $afterBusinessId END
RETURN n.id AS networkId, b.id AS businessId, m.role AS role, m.since AS since
ORDER BY networkId, businessId
LIMIT $limit
