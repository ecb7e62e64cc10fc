// Creates or replaces complements. The caller has checked that both services of every row
// exist; the MERGE locks both ends, so concurrent writers of one edge make it once.
UNWIND $rows AS row
MATCH (a:Service)
WHERE a.id = row.from
MATCH (b:Service)
WHERE b.id = row.to
MERGE (a)-[c:COMPLEMENTS]->(b)
SET c.weight = row.weight,
    c.source = row.source
