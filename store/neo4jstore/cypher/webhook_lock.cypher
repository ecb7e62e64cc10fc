// Takes a write lock on the endpoint and returns it with the Neo4j server's clock (ms), so
// that what follows in the transaction reads its latest committed state (lease, cursors, retry
// state) and no concurrent writer slips in between.
MATCH (w:Webhook {id: $id})
SET w._lock = true
REMOVE w._lock
RETURN w, timestamp() AS now
