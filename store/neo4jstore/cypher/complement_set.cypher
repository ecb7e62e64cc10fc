// Creates or replaces complements. The caller has locked both services of every row.
UNWIND $rows AS row
MATCH (a:Service)
WHERE a.id = row.from
MATCH (b:Service)
WHERE b.id = row.to
MERGE (a)-[c:COMPLEMENTS]->(b)
SET c.weight = row.weight,
    c.source = row.source
