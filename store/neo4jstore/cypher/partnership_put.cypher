// Creates or replaces partnerships by id (import) and relinks their parties. The caller has
// checked that every business in the rows exists and the one-open-partnership-per-pair rule
// (the openPair constraint refuses a pair that another writer opened since).
UNWIND $rows AS row
MATCH (a:Business {id: row.proposerId})
MATCH (b:Business {id: row.partnerId})
MERGE (p:Partnership {id: row.id})
SET p.proposerId = row.proposerId,
    p.partnerId = row.partnerId,
    p.pairKey = row.pairKey,
    p.openPair = row.openPair,
    p.status = row.status,
    p.feeType = row.feeType,
    p.amountMinor = row.amountMinor,
    p.percentBp = row.percentBp,
    p.currency = row.currency,
    p.message = row.message,
    p.createdAt = row.createdAt,
    p.respondedAt = row.respondedAt,
    p.endedAt = row.endedAt
WITH a, b, p
OPTIONAL MATCH (:Business)-[old:PARTY]->(p)
DELETE old
WITH DISTINCT a, b, p
CREATE (a)-[:PARTY {role: 'PROPOSER'}]->(p)
CREATE (b)-[:PARTY {role: 'PARTNER'}]->(p)
