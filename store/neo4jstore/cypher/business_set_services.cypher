// Replaces the services each business offers. The caller has checked that every business and
// service in the rows exists (UpdateBusiness locks them; an import checks before it writes),
// and puts each business in $rows once.
UNWIND $rows AS row
MATCH (b:Business {id: row.id})
OPTIONAL MATCH (b)-[gone:OFFERS]->(old:Service)
WHERE NOT old.id IN row.services
DELETE gone
WITH DISTINCT b, row
UNWIND row.services AS serviceId
MATCH (s:Service {id: serviceId})
MERGE (b)-[:OFFERS]->(s)
