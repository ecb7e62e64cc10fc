// After migration_lease_lock: gives the lease to $holder, until $ttlMillis from now, when it
// is free, expired or already $holder's (so taking it again renews it). Times are the Neo4j
// server's clock (timestamp(), in ms), so the application servers' clocks need not agree.
MATCH (l:MigrationLease {name: 'schema'})
WITH l, l.holder IS NULL OR l.holder = $holder OR l.expiresAt < timestamp() AS free
SET l.holder = CASE WHEN free THEN $holder ELSE l.holder END,
    l.expiresAt = CASE WHEN free THEN timestamp() + $ttlMillis ELSE l.expiresAt END
RETURN free AS taken, l.holder AS holder
