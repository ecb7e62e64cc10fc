// Creates or replaces memberships (import). The caller has locked both ends of every row.
UNWIND $rows AS row
MATCH (b:Business)
WHERE b.id = row.businessId
MATCH (n:Network)
WHERE n.id = row.networkId
MERGE (b)-[m:MEMBER_OF]->(n)
SET m.role = row.role,
    m.since = row.since
