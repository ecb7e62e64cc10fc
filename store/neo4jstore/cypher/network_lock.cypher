// Takes a write lock on each network that exists, in the order of $ids, and returns its id.
UNWIND $ids AS id
MATCH (n:Network {id: id})
SET n._lock = true
REMOVE n._lock
RETURN n.id AS id
