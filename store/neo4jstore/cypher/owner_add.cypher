// Makes each user in the rows an owner of the business, which the caller has checked exists;
// the user is merged on its constrained sub and locked before the relationship is merged.
UNWIND $rows AS row
MATCH (b:Business)
WHERE b.id = row.businessId
MERGE (u:User {sub: row.sub})
SET u._lock = true
REMOVE u._lock
MERGE (u)-[:OWNS]->(b)
