// After migration_lease_lock: frees the lease if $holder holds it, so that the next server
// takes it at once. The node stays: deleted, it would vanish under a server whose lock
// statement had already matched it. A lease another server has taken since is left alone.
MATCH (l:MigrationLease {name: 'schema'})
WHERE l.holder = $holder
REMOVE l.holder, l.expiresAt
