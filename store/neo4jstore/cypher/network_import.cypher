// Creates or replaces networks by id (import).
UNWIND $rows AS row
MERGE (n:Network {id: row.id})
SET n.name = row.name,
    n.region = row.region,
    n.visibility = row.visibility,
    n.createdAt = row.createdAt
