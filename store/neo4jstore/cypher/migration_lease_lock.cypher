// Takes the write lock on the migration lease (created, free, on first use; the
// MigrationLease.name constraint makes concurrent first uses meet on one node) and holds it
// until the transaction ends, so that the statement after it reads a holder no one else is
// changing.
MERGE (l:MigrationLease {name: 'schema'})
SET l._lock = true
REMOVE l._lock
