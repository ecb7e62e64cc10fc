// Creates or replaces memberships (import, which has checked that both ends of every row
// exist). The MERGE locks both ends.
UNWIND $rows AS row
MATCH (b:Business)
WHERE b.id = row.businessId
MATCH (n:Network)
WHERE n.id = row.networkId
MERGE (b)-[m:MEMBER_OF]->(n)
SET m.role = row.role,
    m.since = row.since
