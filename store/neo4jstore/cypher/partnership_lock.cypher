// Takes a write lock on the partnership and returns its id, so that the compare-and-set of
// its status, in the statements that follow, reads the latest committed status and no
// concurrent writer can slip in between.
MATCH (p:Partnership {id: $id})
SET p._lock = true
REMOVE p._lock
RETURN p.id AS id
