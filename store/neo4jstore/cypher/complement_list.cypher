// Every complement, by from then to.
MATCH (a:Service)-[c:COMPLEMENTS]->(b:Service)
RETURN a.id AS from, b.id AS to, c.weight AS weight, c.source AS source
ORDER BY from, to
