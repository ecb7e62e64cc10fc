// The ids of the services that each of these businesses offers.
UNWIND $ids AS id
MATCH (b:Business {id: id})-[:OFFERS]->(s:Service)
RETURN b.id AS businessId, s.id AS serviceId
