// Takes a write lock on the lead and returns its id, so that the compare-and-set of its
// status and of its offers' statuses, in the statements that follow, reads the latest
// committed state and no concurrent transition can slip in between.
MATCH (l:Lead {id: $id})
SET l._lock = true
REMOVE l._lock
RETURN l.id AS id
