// Forgets the idempotency keys of up to $limit leads created before $before and returns how
// many it removed; the caller repeats it, one transaction a batch, until fewer come back.
// Leads that no longer hold a key are not matched, so every batch makes progress.
MATCH (l:Lead)
WHERE l.idempotencyKey IS NOT NULL AND l.createdAt < $before
WITH l
LIMIT $limit
REMOVE l.idempotencyKey
RETURN count(l) AS purged
