// Takes a write lock on each service that exists, in the order of $ids, and returns its id.
UNWIND $ids AS id
MATCH (s:Service {id: id})
SET s._lock = true
REMOVE s._lock
RETURN s.id AS id
