// Adds the membership unless the business is already a member; returns a row only if it was
// added. The caller has locked the business and the network.
MATCH (b:Business {id: $businessId})
MATCH (n:Network {id: $networkId})
WHERE COUNT { (b)-[:MEMBER_OF]->(n) } = 0
CREATE (b)-[m:MEMBER_OF {role: $role, since: $since}]->(n)
RETURN m.since AS since
