// The memberships of each of these businesses, by business then network.
UNWIND $ids AS id
MATCH (b:Business {id: id})-[m:MEMBER_OF]->(n:Network)
RETURN n.id AS networkId, b.id AS businessId, m.role AS role, m.since AS since
ORDER BY businessId, networkId
