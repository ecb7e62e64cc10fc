// Plants a migration lease held by $holder for $ttlMillis from now, as a server that died
// (or is still migrating) leaves it (tests only).
MERGE (l:MigrationLease {name: 'schema'})
SET l.holder = $holder, l.expiresAt = timestamp() + $ttlMillis
