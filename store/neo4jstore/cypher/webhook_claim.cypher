// Leases to $holder, for $ttlMillis on the Neo4j server's clock, up to $limit enabled
// endpoints that are due at $now and that no other holder leases. The lock is taken before
// the lease is read again, so two servers claiming at once cannot both take an endpoint: the
// second reads the first's lease once the first has committed. The endpoints claimed longest
// ago go first, so that none starves behind the first $limit.
MATCH (w:Webhook)
WHERE w.enabled AND (w.nextAttemptAt IS NULL OR w.nextAttemptAt <= $now)
  AND (w.leaseHolder = $holder OR w.leaseUntil < timestamp())
WITH w
ORDER BY w.leaseUntil, w.id
LIMIT $limit
SET w._lock = true
REMOVE w._lock
WITH w
WHERE w.enabled AND (w.nextAttemptAt IS NULL OR w.nextAttemptAt <= $now)
  AND (w.leaseHolder = $holder OR w.leaseUntil < timestamp())
SET w.leaseHolder = $holder, w.leaseUntil = timestamp() + $ttlMillis
RETURN w
